-- 抽查事项覆盖率: listed items in force during the year that at least one task of the year lists /
-- listed items in force during the year, for the item's department. Rules in the .yml.
with

records as (

    select * from {{ ref('int_item__coverage_records') }}

),

scoped as (
    {{ metric_scopes('records', 'item_coverage', 'count(distinct case when is_used then item_code end)',
        'count(distinct item_code)', grains=['year']) }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
