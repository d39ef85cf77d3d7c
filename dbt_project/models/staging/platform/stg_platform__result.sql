with

source as (

    select * from {{ source('raw', 'result') }}

),

current_version as (

    {{ current_version('source', ['result_id']) }}

),

final as (

    select
        result_id,
        task_id,
        uscc,
        dept_name,
        {{ name_key('dept_name') }} as dept_name_key,
        item_codes,
        inspection_date,
        result_category,
        formed_date,
        published_date,
        nondisclosure_reason,
        notice_date,
        follow_up_status,
        follow_up_closed_date,
        {{ lineage_columns() }}
    from current_version

)

select * from final
