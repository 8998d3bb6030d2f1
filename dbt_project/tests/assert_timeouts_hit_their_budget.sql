-- Rule: an attempt is a timeout exactly when it ran to its media type's time limit (var
-- latency_budget_ms: image 30 s, video 180 s). A timeout that came back early, or an
-- attempt that ran past the limit and still counted as done, means the status or the
-- latency was recorded wrong, and both feed friction and the latency metrics.
select
    generation_id,
    media_type,
    status,
    latency_ms
from {{ ref('stg_generations') }}
where {{ window_filter('generation_date') }}
    and (status = 'timeout') <> (latency_ms >= {{ latency_budget_ms('media_type') }})
