-- Annual assessment scores (domain brief section 6): one row per scope (department / region) x unit
-- x year. score = sum of the rescaled part points (mart_assessment__score_parts; 100-point scale over
-- the applicable weights), score_raw = sum of the unscaled points (N/A parts count 0). Rank 1 = best;
-- ties share a rank; units without an applicable part have no score and no rank. named_in_circular
-- per seed circular_rules: bottom_n names every unit whose rank from the bottom is <= n (units tied
-- at the cut are all named), below_score names every unit scoring below the line.
with

parts as (

    select * from {{ ref('mart_assessment__score_parts') }}

),

rules as (

    select * from {{ ref('circular_rules') }}

),

scores as (

    select
        scope,
        unit_code,
        dept_code,
        region_code,
        year,
        sum(weight) as total_weight,
        sum(case when not_applicable then 0 else weight end) as applicable_weight,
        count(*) as parts,
        sum(case when not_applicable then 1 else 0 end) as parts_not_applicable,
        coalesce(sum(points_raw), 0) as score_raw,
        sum(points) as score
    from parts
    group by scope, unit_code, dept_code, region_code, year

),

ranked as (

    select
        *,
        -- ranked on the score rounded to 6 places so float noise never splits a tie
        case
            when score is null then null
            else rank() over (partition by scope, year order by round(score, 6) desc nulls last)
        end as score_rank,
        case
            when score is null then null
            else rank() over (partition by scope, year order by round(score, 6) asc nulls last)
        end as rank_from_bottom,
        count(score) over (partition by scope, year) as units_ranked
    from scores

),

final as (

    select
        ranked.scope,
        ranked.unit_code,
        ranked.dept_code,
        ranked.region_code,
        ranked.year,
        ranked.score,
        ranked.score_raw,
        ranked.applicable_weight,
        ranked.total_weight,
        ranked.parts,
        ranked.parts_not_applicable,
        ranked.score_rank,
        ranked.units_ranked,
        rules.rule as circular_rule,
        rules.parameter as circular_parameter,
        case
            when ranked.score is null or rules.rule is null then false
            when rules.rule = 'bottom_n' then ranked.rank_from_bottom <= rules.parameter
            when rules.rule = 'below_score' then round(ranked.score, 6) < rules.parameter
            else false
        end as named_in_circular
    from ranked
    left join rules
        on ranked.scope = rules.scope
        and ranked.year = rules.assessment_year

)

select * from final
