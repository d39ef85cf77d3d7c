-- Every assessed unit's shortfalls: for each department and county/district and year, each applicable
-- score part that lost points, ranked by the points it lost (most first; metric display order breaks
-- ties). is_main_shortfall marks the first var circular_main_shortfalls (default 3): a unit's weakest
-- parts, which the ranking page lists for every unit and the circular cites for the units it names
-- (mart_assessment__circular_shortfalls is this mart's rows of those units). Points lost are the
-- rescaled ones of mart_assessment__score_parts, so they add up with the score (points lost of all
-- parts = 100 - score).
with

parts as (

    select * from {{ ref('mart_assessment__score_parts') }}
    where not not_applicable
        and points_lost > 0.000001

),

metrics as (

    select * from {{ ref('metric_definitions') }}

),

shortfalls as (

    select
        parts.scope,
        parts.unit_code,
        parts.dept_code,
        parts.region_code,
        parts.year,
        parts.metric_code,
        parts.rate,
        parts.target,
        parts.target_direction,
        parts.weight,
        parts.attainment,
        parts.points_max,
        parts.points,
        parts.points_lost,
        row_number() over (
            partition by parts.scope, parts.unit_code, parts.year
            order by round(parts.points_lost, 6) desc, metrics.sort_order asc nulls last, parts.metric_code
        ) as shortfall_rank
    from parts
    left join metrics
        on parts.metric_code = metrics.metric_code

),

final as (

    select
        *,
        shortfall_rank <= {{ var('circular_main_shortfalls') }} as is_main_shortfall
    from shortfalls

)

select * from final
