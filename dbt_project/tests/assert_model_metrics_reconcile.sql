-- Rule: the per-model daily metrics add up to the facts, model by model: generations, each
-- outcome, revenue and cost with fct_generations. Window-scoped.
{{ config(meta={'dagster': {'ref': {'name': 'daily_model_metrics'}}}) }}

with models as (
    select * from {{ ref('daily_model_metrics') }}
    where {{ window_filter('metric_date') }}
),

generations as (
    select
        generation_date as metric_date,
        model_name,
        count(*) as generations,
        sum(case when is_success then 1 else 0 end) as successful_generations,
        sum(case when status = 'failed' then 1 else 0 end) as failed_generations,
        sum(case when status = 'timeout' then 1 else 0 end) as timeout_generations,
        sum(case when status = 'moderated' then 1 else 0 end) as moderated_generations,
        sum(revenue_usd) as revenue_usd,
        sum(cost_usd) as cost_usd
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
    group by generation_date, model_name
)

select
    coalesce(models.metric_date, generations.metric_date) as metric_date,
    coalesce(models.model_name, generations.model_name) as model_name,
    models.generations,
    generations.generations as fact_generations,
    models.revenue_usd,
    generations.revenue_usd as fact_revenue_usd
from models
full outer join generations
    on models.metric_date = generations.metric_date and models.model_name = generations.model_name
where models.metric_date is null
    or generations.metric_date is null
    or models.generations <> generations.generations
    or models.successful_generations <> generations.successful_generations
    or models.failed_generations <> generations.failed_generations
    or models.timeout_generations <> generations.timeout_generations
    or models.moderated_generations <> generations.moderated_generations
    or abs(models.revenue_usd - generations.revenue_usd) > 0.000001
    or abs(models.cost_usd - generations.cost_usd) > 0.000001
