{{ config(meta={'partition_column': 'generation_date'}) }}

with source as (
    select * from {{ source('raw', 'generations') }}
),

renamed as (
    select
        cast(generation_id as bigint)             as generation_id,
        cast(prompt_id as bigint)                 as prompt_id,
        cast(session_id as bigint)                as session_id,
        cast(user_id as bigint)                   as user_id,
        cast(attempt_number as integer)           as attempt_number,
        lower(trim(model_name))                   as model_name,
        lower(trim(media_type))                   as media_type,
        lower(trim(status))                       as status,
        -- money as fixed-point: sums of doubles depend on the order rows are added, which would
        -- make a day rebuilt alone differ (in the last bits) from the same day in a backfill
        cast(cost_usd as decimal(18, 8))          as cost_usd,
        cast(revenue_usd as decimal(18, 8))       as revenue_usd,
        cast(latency_ms as integer)               as latency_ms,
        -- a missing flag means the asset was never downloaded
        coalesce(cast(downloaded as boolean), false) as is_downloaded,
        -- '' and other blanks are "no feedback", like null
        nullif(lower(trim(feedback)), '')         as feedback,
        cast(created_at as timestamp)             as generated_at,
        cast(partition_date as date)              as generation_date
    from source
),

final as (
    select
        *,
        status = 'success'                        as is_success,
        attempt_number > 1                        as is_retry
    from renamed
)

select * from final
