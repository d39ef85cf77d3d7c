-- One row per contract entity (even when nothing has been loaded yet): files, rows loaded into
-- raw, current records after supersession (staging), rows rejected, latest batch, last load.
-- The per-entity counts are a Jinja loop over platform_entities(), a macro generated from the
-- contract, so a new entity needs no edit here.
{%- set entities = platform_entities() %}

with

entities as (

    select * from {{ ref('platform_entities') }}

),

files as (

    select
        entity,
        count(*) as files,
        count(*) filter (where status = 'loaded') as files_loaded,
        count(*) filter (where status = 'rejected') as files_rejected,
        max(batch_date) as latest_batch_date,
        max(loaded_at) as last_loaded_at
    from {{ ref('stg_platform__load_log') }}
    where entity is not null
    group by entity

),

raw_rows as (
    {% for e in entities %}
    select
        '{{ e.entity }}' as entity,
        count(*) as rows_loaded,
        max(_batch_date) as latest_row_batch_date
    from {{ source('raw', e.table) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

current_records as (
    {% for e in entities %}
    select
        '{{ e.entity }}' as entity,
        count(*) as current_records
    from {{ ref('stg_platform__' ~ e.entity) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rejected as (

    select
        entity,
        count(*) as rows_rejected
    from {{ ref('stg_platform__rejects') }}
    group by entity

),

final as (

    select
        entities.entity,
        entities.title as entity_title,
        entities.file_label,
        entities.sort_order,
        coalesce(files.files, 0) as files,
        coalesce(files.files_loaded, 0) as files_loaded,
        coalesce(files.files_rejected, 0) as files_rejected,
        coalesce(raw_rows.rows_loaded, 0) as rows_loaded,
        coalesce(current_records.current_records, 0) as current_records,
        coalesce(raw_rows.rows_loaded, 0) - coalesce(current_records.current_records, 0) as superseded_rows,
        coalesce(rejected.rows_rejected, 0) as rows_rejected,
        coalesce(files.latest_batch_date, raw_rows.latest_row_batch_date) as latest_batch_date,
        files.last_loaded_at
    from entities
    left join files
        on entities.entity = files.entity
    left join raw_rows
        on entities.entity = raw_rows.entity
    left join current_records
        on entities.entity = current_records.entity
    left join rejected
        on entities.entity = rejected.entity

)

select * from final
