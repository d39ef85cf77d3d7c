{#- Points lost are on the score's own (rescaled) basis: for every unit with a score, the points its
    parts lost sum to 100 - score, so no page or report can subtract a rescaled figure from an unscaled
    weight. One row per (scope, unit, year) where they do not. -#}
with

scores as (

    select * from {{ ref('mart_assessment__scores') }}
    where score is not null

),

lost as (

    select
        scope,
        unit_code,
        year,
        coalesce(sum(points_lost), 0) as points_lost
    from {{ ref('mart_assessment__score_parts') }}
    group by scope, unit_code, year

)

select scores.scope, scores.unit_code, scores.year, scores.score, lost.points_lost
from scores
left join lost
    on scores.scope = lost.scope
    and scores.unit_code = lost.unit_code
    and scores.year = lost.year
where lost.unit_code is null
    or abs(100 - scores.score - lost.points_lost) > 0.000001
