with

source as (

    select * from {{ source('raw', 'decision') }}

),

current_version as (

    {{ current_version('source', ['decision_id']) }}

),

final as (

    select
        decision_id,
        result_id,
        decision_type,
        decision_date,
        published_date,
        {{ lineage_columns() }}
    from current_version

)

select * from final
