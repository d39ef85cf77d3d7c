with

source as (

    select * from {{ source('raw', 'object') }}

),

current_version as (

    {{ current_version('source', ['uscc']) }}

),

final as (

    select
        uscc,
        object_name,
        object_type,
        is_for_profit,
        region_code,
        industry,
        registered_date,
        status,
        credit_class,
        credit_class_date,
        {{ lineage_columns() }}
    from current_version

)

select * from final
