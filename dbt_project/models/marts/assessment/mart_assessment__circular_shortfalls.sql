-- The shortfalls behind each circular entry: the rows of mart_assessment__shortfalls (every applicable
-- score part that lost points, ranked by the points it lost, is_main_shortfall = the first var
-- circular_main_shortfalls) of the units named in the circular. One ranking of shortfalls serves both
-- the circular and the ranking page's weakest parts, so a named unit's 主要失分项 are its weakest parts.
with

scores as (

    select * from {{ ref('mart_assessment__scores') }}
    where named_in_circular

),

shortfalls as (

    select * from {{ ref('mart_assessment__shortfalls') }}

),

final as (

    select shortfalls.*
    from shortfalls
    inner join scores
        on shortfalls.scope = scores.scope
        and shortfalls.unit_code = scores.unit_code
        and shortfalls.year = scores.year

)

select * from final
