with

source as (

    select * from {{ source('raw', 'plan') }}

),

current_version as (

    {{ current_version('source', ['plan_id']) }}

),

final as (

    select
        plan_id,
        plan_name,
        dept_name,
        {{ name_key('dept_name') }} as dept_name_key,
        plan_year,
        filed_date,
        is_enterprise_related,
        approved_date,
        published_date,
        {{ lineage_columns() }}
    from current_version

)

select * from final
