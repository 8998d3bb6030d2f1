-- Rule: a successful generation has a real cost and earns revenue (cost_usd > 0 and
-- revenue_usd > 0); any other status earns nothing (revenue_usd = 0) and never costs a
-- negative amount. A free success would make the margin metrics lie.
select
    generation_id,
    status,
    cost_usd,
    revenue_usd
from {{ ref('fct_generations') }}
where {{ window_filter('generation_date') }}
  and (
        (is_success and (cost_usd is null or cost_usd <= 0 or revenue_usd is null or revenue_usd <= 0))
     or (not is_success and (revenue_usd <> 0 or cost_usd < 0))
  )
