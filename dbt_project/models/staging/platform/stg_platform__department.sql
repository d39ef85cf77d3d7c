with

source as (

    select * from {{ source('raw', 'department') }}

),

current_version as (

    {{ current_version('source', ['dept_code']) }}

),

final as (

    select
        dept_code,
        dept_name,
        {{ name_key('dept_name') }} as dept_name_key,
        dept_short_name,
        {{ name_key('dept_short_name') }} as dept_short_name_key,
        dept_level,
        region_code,
        is_member,
        {{ lineage_columns() }}
    from current_version

)

select * from final
