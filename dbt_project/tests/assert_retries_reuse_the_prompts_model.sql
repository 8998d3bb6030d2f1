-- Rule: a retry re-sends its prompt to the same model: every attempt of a prompt names the
-- model of its first attempt. A retry on another model is a different request recorded
-- under the old prompt, and it would blur the per-model reliability figures.
-- The looked-up prompts are bounded by the window's prompt_id range (not by day): the same
-- rule, since only a prompt whose key equals a window's key can join, and the rest of history
-- is skipped (macros/relationships.sql).
{{ config(meta={'dagster': {'ref': {'name': 'fct_generations'}}}) }}

with generations as (
    select generation_id, prompt_id, attempt_number, model_name
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
),

prompts as (
    select prompt_id, model_name
    from {{ ref('dim_prompts') }}
    where {{ within_key_range('prompt_id', 'generations') }}
)

select
    generations.generation_id,
    generations.prompt_id,
    generations.attempt_number,
    generations.model_name,
    prompts.model_name as first_attempt_model
from generations
inner join prompts on generations.prompt_id = prompts.prompt_id
where generations.model_name <> prompts.model_name
