{#- The weights of every assessment year sum to 100 and only scored metrics carry weight.
    One row per offending year or metric. -#}
with

weights as (

    select * from {{ ref('assessment_weights') }}

),

definitions as (

    select * from {{ ref('metric_definitions') }}

),

bad_totals as (

    select assessment_year, cast(null as string) as metric_code, sum(weight) as total_weight
    from weights
    group by assessment_year
    having sum(weight) <> 100

),

unscored as (

    select weights.assessment_year, weights.metric_code, weights.weight as total_weight
    from weights
    left join definitions
        on weights.metric_code = definitions.metric_code
    where definitions.is_scored is null or not definitions.is_scored or weights.weight <= 0

)

select * from bad_totals
union all
select * from unscored
