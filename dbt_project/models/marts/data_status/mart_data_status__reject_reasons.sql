-- Rejected rows per entity and reason kind. reason_kinds holds the REJECT_KINDS labels joined by
-- '；'; rather than splitting the string (no portable split-to-rows), each row is matched against
-- every label of the reject_kinds seed, delimiters included so one label cannot match inside
-- another. A row with several kinds counts once under each; a row whose kinds match no known
-- label counts under 'unclassified' so nothing disappears from the totals.
{%- set sep = "'；'" %}

with

rejects as (

    select * from {{ ref('mart_data_status__rejects') }}

),

kinds as (

    select * from {{ ref('reject_kinds') }}

),

matched as (

    select
        rejects.entity,
        rejects.entity_title,
        coalesce(kinds.reason_kind, 'unclassified') as reason_kind,
        coalesce(kinds.reason_kind_label, '未归类') as reason_kind_label,
        coalesce(kinds.sort_order, 999) as reason_kind_sort_order
    from rejects
    left join kinds
        on {{ dbt.position(
            dbt.concat([sep, 'kinds.reason_kind_label', sep]),
            dbt.concat([sep, "coalesce(rejects.reason_kinds, '')", sep])
        ) }} > 0

),

per_kind as (

    select
        entity,
        entity_title,
        reason_kind,
        reason_kind_label,
        reason_kind_sort_order,
        count(*) as rejected_rows
    from matched
    group by entity, entity_title, reason_kind, reason_kind_label, reason_kind_sort_order

),

per_entity as (

    select
        entity,
        count(*) as entity_rejected_rows
    from rejects
    group by entity

),

final as (

    select
        per_kind.entity,
        per_kind.entity_title,
        per_kind.reason_kind,
        per_kind.reason_kind_label,
        per_kind.reason_kind_sort_order,
        per_kind.rejected_rows,
        per_entity.entity_rejected_rows
    from per_kind
    inner join per_entity
        on per_kind.entity = per_entity.entity

)

select * from final
