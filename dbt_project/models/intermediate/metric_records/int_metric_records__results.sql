-- Metric records of the result outcomes, one row per metric x result, counted for the recording
-- department (every participant of a joint task records its own) in the year of the task's start date;
-- results whose recording department or task does not resolve are left out.
--   后续处置率 follow_up_closure_rate: problem results (result_category_classes.is_problem: not 未发现问题,
--       not the descriptive closed / deregistered / no-activity categories) with follow-up 已办结 /
--       problem results;
--   问题发现率 problem_finding_rate (descriptive): results other than 未发现问题 / results.
-- 不予公示: a result with a nondisclosure reason counts under a masked token (macro mask_nondisclosed:
-- stable and distinct, so counts are unchanged) and without its category (detail blank).
{#- The rules, one per metric: numerator and denominator flags. -#}
{%- set rules = [
    {'metric': 'follow_up_closure_rate', 'numerator': 'results.is_problem and results.is_follow_up_closed',
     'denominator': 'results.is_problem'},
    {'metric': 'problem_finding_rate', 'numerator': 'not results.is_no_problem', 'denominator': 'true'},
] %}
{{ config(materialized="ephemeral") }}
with

results as (

    select * from {{ ref('int_result__resolved') }}
    where dept_code is not null
        and year is not null

),

{% for rule in rules %}
{{ rule.metric }} as (

    select
        '{{ rule.metric }}' as metric_code,
        results.dept_code,
        results.region_code,
        results.year,
        results.period_date,
        'result' as record_kind,
        {{ mask_nondisclosed('results.result_id', 'results.is_nondisclosed') }} as record_key,
        results.task_id,
        results.uscc,
        results.formed_date as record_date,
        {{ withhold_nondisclosed('results.result_category', 'results.is_nondisclosed') }} as detail,
        {{ rule.numerator }} as in_numerator,
        {{ rule.denominator }} as in_denominator
    from results

),

{% endfor -%}
final as (

    {{ union_rule_ctes(rules) }}

)

select * from final
