{{ config(meta={'partition_column': 'signup_date'}) }}

-- One row per user, landed on the signup day. Tier and channel are normalised to the
-- lower-case vocabulary the tests accept; country codes to upper case.
with source as (
    select * from {{ source('raw', 'users') }}
),

renamed as (
    select
        cast(user_id as bigint)                   as user_id,
        cast(signup_at as timestamp)              as signup_at,
        lower(trim(user_tier))                    as user_tier,
        upper(trim(country))                      as country,
        lower(trim(acquisition_channel))          as acquisition_channel,
        -- the partition day, not cast(signup_at as date): the day column must match the
        -- partition that wrote the row so that windows and delete+insert line up
        cast(partition_date as date)              as signup_date
    from source
),

final as (
    select * from renamed
)

select * from final
