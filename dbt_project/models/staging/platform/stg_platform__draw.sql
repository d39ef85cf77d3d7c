{{ config(
    materialized=staging_materialization(),
    unique_key=['task_id', 'uscc'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ forget_vanished_keys('draw') }}",
) }}
-- Incremental on DuckDB: only the keys a new load touched are recomputed (macros/incremental_staging.sql).
with

source as (

    select * from {{ source('raw', 'draw') }}
    {{ only_changed_keys('draw') }}

),

current_version as (

    {{ current_version('source', ['task_id', 'uscc']) }}

),

final as (

    select
        task_id,
        uscc,
        object_name,
        draw_date,
        draw_mode,
        draw_mode = '随机抽取' as is_random_draw,
        credit_class_at_draw,
        list_published_date,
        {{ lineage_columns() }}
    from current_version

)

select * from final
