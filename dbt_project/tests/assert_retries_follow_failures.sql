-- Rule: a retry (attempt_number n > 1) exists only because attempt n - 1 on the same prompt
-- failed or timed out, and a prompt's attempts are numbered 1, 2, 3... without gaps or
-- duplicates. A success or a moderation ends the prompt.
with generations as (
    select generation_id, prompt_id, attempt_number, status, generated_at
    from {{ ref('fct_generations') }}
    where {{ window_filter('generation_date') }}
),

duplicates as (
    select min(generation_id) as generation_id, prompt_id, attempt_number,
           'duplicate attempt_number' as problem
    from generations
    group by prompt_id, attempt_number
    having count(*) > 1
),

bad_retries as (
    select retry.generation_id, retry.prompt_id, retry.attempt_number,
           case
               when previous.generation_id is null then 'retry without previous attempt'
               when previous.generated_at > retry.generated_at then 'retry before previous attempt'
               else 'retry after a ' || previous.status || ' attempt'
           end as problem
    from generations as retry
    left join generations as previous
        on retry.prompt_id = previous.prompt_id
       and retry.attempt_number - 1 = previous.attempt_number
    where retry.attempt_number > 1
      and (previous.generation_id is null
           or previous.status not in ('failed', 'timeout')
           or previous.generated_at > retry.generated_at)
)

select * from duplicates
union all
select * from bad_retries
