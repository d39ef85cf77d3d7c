with

source as (

    select * from {{ source('raw', 'item') }}

),

current_version as (

    {{ current_version('source', ['item_code']) }}

),

final as (

    select
        item_code,
        dept_name,
        {{ name_key('dept_name') }} as dept_name_key,
        item_name,
        legal_basis,
        object_type,
        methods,
        item_category,
        is_full_coverage,
        published_date,
        valid_from,
        valid_to,
        {{ lineage_columns() }}
    from current_version

)

select * from final
