-- Rule: the product's daily quota holds: no user makes more than daily_generation_cap (5)
-- generation attempts in a day, retries included. More means the quota was not enforced
-- or the same attempts landed twice under new ids.
select
    user_id,
    generation_date,
    count(*) as attempts
from {{ ref('fct_generations') }}
where {{ window_filter('generation_date') }}
group by user_id, generation_date
having count(*) > {{ simulation_setting('daily_generation_cap') }}
