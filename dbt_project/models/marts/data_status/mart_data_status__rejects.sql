-- Every rejected row: batch, file, row number, reasons, reason kinds and the row verbatim (JSON).
with

rejects as (

    select * from {{ ref('stg_platform__rejects') }}

),

entities as (

    select * from {{ ref('platform_entities') }}

),

final as (

    select
        rejects.entity,
        coalesce(entities.title, rejects.entity) as entity_title,
        rejects.batch_id,
        rejects.batch_date,
        rejects.file_name,
        rejects.file_row_number,
        rejects.reasons,
        rejects.reason_kinds,
        rejects.row_json,
        rejects.loaded_at
    from rejects
    left join entities
        on rejects.entity = entities.entity

)

select * from final
