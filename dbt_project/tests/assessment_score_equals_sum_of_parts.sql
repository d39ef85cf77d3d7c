{#- A unit's score equals the sum of its rescaled part points (and its raw score the sum of the
    raw points); one row per (scope, unit, year) where it does not. -#}
with

scores as (

    select * from {{ ref('mart_assessment__scores') }}

),

parts as (

    select
        scope,
        unit_code,
        year,
        sum(points) as sum_points,
        coalesce(sum(points_raw), 0) as sum_points_raw,
        sum(case when not_applicable then 0 else weight end) as sum_applicable_weight
    from {{ ref('mart_assessment__score_parts') }}
    group by scope, unit_code, year

)

select scores.scope, scores.unit_code, scores.year, scores.score, parts.sum_points
from scores
full outer join parts
    on scores.scope = parts.scope
    and scores.unit_code = parts.unit_code
    and scores.year = parts.year
where scores.unit_code is null
    or parts.unit_code is null
    or abs(coalesce(scores.score, -1) - coalesce(parts.sum_points, -1)) > 0.000001
    or abs(scores.score_raw - parts.sum_points_raw) > 0.000001
    or scores.applicable_weight <> parts.sum_applicable_weight
