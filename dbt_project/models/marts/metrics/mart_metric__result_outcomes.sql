-- Per recording department (a joint task's participants each record their own results) and task year:
--   后续处置率 follow_up_closure_rate: problem results with follow-up 已办结 / problem results, a
--       problem result being a category with result_category_classes.is_problem (not 未发现问题, not
--       the descriptive closed / deregistered / no-activity categories);
--   问题发现率 problem_finding_rate (descriptive): results other than 未发现问题 / results.
-- Results whose recording department or task does not resolve are left out.
with

results as (

    select * from {{ ref('int_result__resolved') }}
    where dept_code is not null
        and year is not null

),

follow_up as (
    {{ metric_scopes('results', 'follow_up_closure_rate',
        'count(*) filter (where is_problem and is_follow_up_closed)', 'count(*) filter (where is_problem)') }}
),

problems as (
    {{ metric_scopes('results', 'problem_finding_rate', 'count(*) filter (where not is_no_problem)', 'count(*)') }}
),

unioned as (

    select * from follow_up
    union all
    select * from problems

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
