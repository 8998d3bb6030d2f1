-- Rule: each day's success rate is what the stated model allows: every attempt succeeds
-- with probability success_rate (0.94 by default), so a day of n attempts stays within
-- 4 binomial standard deviations of it, sqrt(p (1 - p) / n). Judged on days with at least
-- 100 attempts. Severity warn: a drift is a question for the model provider or the product,
-- not broken data.
{{ config(severity='warn') }}
{%- set p = simulation_setting('success_rate') %}

select
    metric_date,
    generations,
    successful_generations,
    1.0 * successful_generations / generations as success_rate,
    {{ p }} as stated_success_rate
from {{ ref('daily_metrics') }}
where {{ window_filter('metric_date') }}
    and generations >= 100
    and abs(1.0 * successful_generations / generations - {{ p }})
    > 4 * sqrt({{ p }} * (1 - {{ p }}) / generations)
