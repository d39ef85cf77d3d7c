with

source as (

    select * from {{ source('raw', 'inspector') }}

),

current_version as (

    {{ current_version('source', ['inspector_id']) }}

),

final as (

    select
        inspector_id,
        inspector_name,
        dept_name,
        {{ name_key('dept_name') }} as dept_name_key,
        cert_no,
        active_from,
        active_to,
        {{ lineage_columns() }}
    from current_version

)

select * from final
