{{ config(
    materialized=staging_materialization(),
    unique_key='result_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ forget_vanished_keys('result') }}",
) }}
-- Incremental on DuckDB: only the keys a new load touched are recomputed (macros/incremental_staging.sql).
with

source as (

    select * from {{ source('raw', 'result') }}
    {{ only_changed_keys('result') }}

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
