with

source as (

    select * from {{ source('raw', 'jurisdiction') }}

),

current_version as (

    {{ current_version('source', ['region_code']) }}

),

final as (

    select
        region_code,
        region_name,
        region_kind,
        parent_code,
        {{ lineage_columns() }}
    from current_version

)

select * from final
