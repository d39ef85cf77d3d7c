-- The shortfalls behind each circular entry: for every unit named in the circular, each applicable
-- score part that lost points, ranked by the points it lost (most first; metric display order breaks
-- ties). is_main_shortfall marks the first var circular_main_shortfalls (default 3), the ones the
-- circular and the dashboard cite. Points lost are the rescaled ones of mart_assessment__score_parts,
-- so they add up with the score (points lost of all parts = 100 - score).
with

scores as (

    select * from {{ ref('mart_assessment__scores') }}
    where named_in_circular

),

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
        scores.scope,
        scores.unit_code,
        scores.dept_code,
        scores.region_code,
        scores.year,
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
            partition by scores.scope, scores.unit_code, scores.year
            order by round(parts.points_lost, 6) desc, metrics.sort_order asc nulls last, parts.metric_code
        ) as shortfall_rank
    from scores
    inner join parts
        on scores.scope = parts.scope
        and scores.unit_code = parts.unit_code
        and scores.year = parts.year
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
