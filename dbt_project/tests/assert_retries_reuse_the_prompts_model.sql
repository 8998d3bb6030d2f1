-- Rule: a retry re-sends its prompt to the same model: every attempt of a prompt names the
-- model of its first attempt. A retry on another model is a different request recorded
-- under the old prompt, and it would blur the per-model reliability figures.
{{ config(meta={'dagster': {'ref': {'name': 'fct_generations'}}}) }}

select
    generations.generation_id,
    generations.prompt_id,
    generations.attempt_number,
    generations.model_name,
    prompts.model_name as first_attempt_model
from {{ ref('fct_generations') }} as generations
inner join {{ ref('dim_prompts') }} as prompts on generations.prompt_id = prompts.prompt_id
where {{ window_filter('generations.generation_date') }}
    and generations.model_name <> prompts.model_name
