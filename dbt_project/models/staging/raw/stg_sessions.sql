{{ config(meta={'partition_column': 'session_date'}) }}

with source as (
    select * from {{ source('raw', 'sessions') }}
),

renamed as (
    select
        cast(session_id as bigint)                as session_id,
        cast(user_id as bigint)                   as user_id,
        cast(session_start as timestamp)          as session_start,
        cast(session_end as timestamp)            as session_end,
        lower(trim(device))                       as device,
        cast(partition_date as date)              as session_date
    from source
),

final as (
    select
        *,
        {{ dbt.datediff('session_start', 'session_end', 'second') }} as session_duration_seconds
    from renamed
)

select * from final
