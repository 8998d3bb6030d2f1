-- Rule: a generation is made after its prompt was typed and inside its session
-- (session_start <= prompted_at <= generated_at <= session_end), on the same day.
{{ config(meta={'dagster': {'ref': {'name': 'fct_generations'}}}) }}

with generations as (
    select generation_id, prompt_id, session_id, generated_at, generation_date
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
)

select
    generations.*,
    prompts.prompted_at,
    sessions.session_start,
    sessions.session_end
from generations
inner join {{ ref('dim_prompts') }} as prompts on generations.prompt_id = prompts.prompt_id
inner join {{ ref('fct_sessions') }} as sessions on generations.session_id = sessions.session_id
where generations.generated_at < prompts.prompted_at
   or prompts.prompted_at < sessions.session_start
   or prompts.prompted_at > sessions.session_end
   or generations.generated_at > sessions.session_end
   or generations.generation_date <> sessions.session_date
