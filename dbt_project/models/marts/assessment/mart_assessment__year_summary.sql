-- One row per assessment year and scope: how many units were assessed, ranked and left unranked (too
-- few applicable parts), how many are named, the mean score of the units with a score and the best
-- ranked unit. The figures the annual report's summary and the circular's overall paragraph print.
with

scores as (

    select * from {{ ref('mart_assessment__scores') }}

),

best as (

    select scope, year, min(unit_code) as best_unit_code
    from scores
    where score_rank = 1
    group by scope, year

),

summary as (

    select
        scope,
        year,
        count(*) as units_assessed,
        sum(case when ranking_status = 'ranked' then 1 else 0 end) as units_ranked,
        sum(case when ranking_status = 'too_few_parts' then 1 else 0 end) as units_not_ranked,
        sum(case when named_in_circular then 1 else 0 end) as units_named,
        avg(score) as mean_score
    from scores
    group by scope, year

)

select
    summary.scope,
    summary.year,
    cast(summary.units_assessed as bigint) as units_assessed,
    cast(summary.units_ranked as bigint) as units_ranked,
    cast(summary.units_not_ranked as bigint) as units_not_ranked,
    cast(summary.units_named as bigint) as units_named,
    summary.mean_score,
    best.best_unit_code,
    best_scores.score as best_score
from summary
left join best
    on summary.scope = best.scope
    and summary.year = best.year
left join scores as best_scores
    on best.scope = best_scores.scope
    and best.year = best_scores.year
    and best.best_unit_code = best_scores.unit_code
