{{ config(meta={'partition_column': 'prompt_date'}) }}

with source as (
    select * from {{ source('raw', 'prompts') }}
),

renamed as (
    select
        cast(prompt_id as bigint)                 as prompt_id,
        cast(session_id as bigint)                as session_id,
        cast(user_id as bigint)                   as user_id,
        -- whitespace runs collapsed so that word counts do not depend on typing habits
        {{ collapse_whitespace('prompt_text') }}  as prompt_text,
        cast(created_at as timestamp)             as prompted_at,
        cast(partition_date as date)              as prompt_date
    from source
),

final as (
    select
        *,
        -- lengths are int on Spark, bigint on DuckDB: one type for the marts' contracts
        cast({{ word_count('prompt_text') }} as bigint) as prompt_word_count,
        cast({{ dbt.length('prompt_text') }} as bigint) as prompt_char_count
    from renamed
)

select * from final
