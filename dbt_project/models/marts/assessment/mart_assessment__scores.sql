-- Annual assessment scores (domain brief section 6): one row per scope (department / region) x unit
-- x year. score = sum of the rescaled part points (mart_assessment__score_parts; 100-point scale over
-- the applicable weights), score_raw = sum of the unscaled points (N/A parts count 0).
-- Fair ranking (seed circular_rules, per year and scope): a unit whose applicable weight is below
-- min_applicable_share of the full weight is not ranked (ranking_status too_few_parts) and never
-- named; units without an applicable part have no score (no_score). Rank 1 = best among the ranked;
-- ties share a rank. named_in_circular: bottom_n names every ranked unit whose rank from the bottom is
-- <= n (units tied at the cut are all named), but only when at least min_ranked_units units are ranked
-- (circular_status field_too_small otherwise); below_score names every ranked unit below the line.
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

eligible as (

    select
        scores.*,
        scores.applicable_weight / nullif(scores.total_weight, 0) as applicable_share,
        rules.rule as circular_rule,
        rules.parameter as circular_parameter,
        rules.min_applicable_share,
        rules.min_ranked_units,
        case
            when scores.score is null then 'no_score'
            -- a little tolerance so 60.0 of 100 is not lost to float noise
            when scores.applicable_weight / nullif(scores.total_weight, 0)
                < coalesce(rules.min_applicable_share, 0) - 0.000001 then 'too_few_parts'
            else 'ranked'
        end as ranking_status
    from scores
    left join rules
        on scores.scope = rules.scope
        and scores.year = rules.assessment_year

),

ranked as (

    select
        *,
        -- ranked on the score rounded to 6 places so float noise never splits a tie
        case
            when ranking_status = 'ranked'
                then rank() over (partition by scope, year, ranking_status order by round(score, 6) desc)
        end as score_rank,
        case
            when ranking_status = 'ranked'
                then rank() over (partition by scope, year, ranking_status order by round(score, 6) asc)
        end as rank_from_bottom,
        sum(case when ranking_status = 'ranked' then 1 else 0 end) over (partition by scope, year)
            as units_ranked
    from eligible

),

judged as (

    select
        *,
        case
            when ranking_status <> 'ranked' then 'not_ranked'
            when circular_rule = 'bottom_n' and units_ranked < coalesce(min_ranked_units, 0)
                then 'field_too_small'
            when circular_rule = 'bottom_n' and rank_from_bottom <= circular_parameter then 'named'
            when circular_rule = 'below_score' and round(score, 6) < circular_parameter then 'named'
            else 'not_named'
        end as circular_status
    from ranked

),

-- the change on the previous assessed year (score and rank) and since the unit's first assessed year
with_history as (

    select
        *,
        lag(score) over (partition by scope, unit_code order by year) as previous_score,
        lag(year) over (partition by scope, unit_code order by year) as previous_year,
        lag(score_rank) over (partition by scope, unit_code order by year) as previous_rank,
        lag(units_ranked) over (partition by scope, unit_code order by year) as previous_units_ranked,
        first_value(year) over (
            partition by scope, unit_code order by year rows between unbounded preceding and unbounded following
        ) as first_year,
        first_value(score) over (
            partition by scope, unit_code order by year rows between unbounded preceding and unbounded following
        ) as first_score
    from judged

),

final as (

    select
        scope,
        unit_code,
        dept_code,
        region_code,
        year,
        score,
        score_raw,
        applicable_weight,
        total_weight,
        applicable_share,
        parts,
        parts_not_applicable,
        ranking_status,
        score_rank,
        cast(units_ranked as bigint) as units_ranked,
        circular_rule,
        circular_parameter,
        min_applicable_share,
        min_ranked_units,
        circular_status,
        circular_status = 'named' as named_in_circular,
        previous_year,
        previous_score,
        score - previous_score as score_change,
        previous_rank,
        cast(previous_units_ranked as bigint) as previous_units_ranked,
        -- places gained since the previous assessed year (positive = moved up); NULL unless ranked both years
        previous_rank - score_rank as rank_change,
        first_year,
        first_score,
        score - first_score as score_change_since_first
    from with_history

)

select * from final
