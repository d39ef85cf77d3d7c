{{ config(
    materialized=staging_materialization(),
    unique_key='uscc',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ forget_vanished_keys('object') }}",
) }}
-- Incremental on DuckDB: only the keys a new load touched are recomputed (macros/incremental_staging.sql).
with

source as (

    select * from {{ source('raw', 'object') }}
    {{ only_changed_keys('object') }}

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
