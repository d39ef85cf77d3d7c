-- 抽查事项覆盖率: listed items in force during the year that a task of the year lists / listed items in
-- force during the year, for the item's department (rules: int_item__coverage_records, as records in
-- int_metric_records__items). Annual only.
with

item_records as (

    select * from {{ ref('int_metric_records__items') }}

),

scoped as (
    {{ metric_from_records('item_records', 'item_coverage', grains=['year']) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
