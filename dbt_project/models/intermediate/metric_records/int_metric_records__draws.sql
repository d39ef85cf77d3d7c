-- Metric records of the draw-based rules, one row per metric x draw (task x object) of a task whose
-- lead department resolves; counted for the lead department in the year of the task's start date.
--   临时任务占比（按规模）temporary_task_share_objects: draws of temporary tasks / all draws (one per
--       task x object, so an object drawn by two tasks counts twice);
--   随机抽取占比 random_draw_share: draws made at random (draw mode 随机抽取) / all draws;
--   任务完成率 task_completion_rate / 任务完结率 task_closure_rate: draws with a result formed by the task end
--       date (完成率: not a closed-object category; 完结率: any) / draws; only draws of tasks that ended
--       before the as-of date (int_draw__resolved.is_task_due) are records of these two: a running task
--       is not late and makes no cell;
--   抽查比例 sampling_ratio and sampling_ratio_<class>: distinct objects drawn (record_key = the object;
--       per class: the class at draw). Only the numerator is a count of records: the denominator is the
--       register on 1 January (int_object__register_at_year_start, joined in mart_metric__sampling_ratio),
--       so in_denominator is false here.
{#- The rules, one per metric: numerator and denominator flags, which draws are records (where), key. -#}
{%- set draw_key = dbt.concat(["draws.task_id", "'|'", "draws.uscc"]) %}
{%- set rules = [
    {'metric': 'temporary_task_share_objects', 'numerator': 'draws.is_temporary', 'denominator': 'true', 'key': draw_key},
    {'metric': 'random_draw_share', 'numerator': 'draws.is_random_draw', 'denominator': 'true', 'key': draw_key},
    {'metric': 'task_completion_rate', 'numerator': 'draws.is_completed', 'denominator': 'true', 'key': draw_key,
     'where': 'draws.is_task_due'},
    {'metric': 'task_closure_rate', 'numerator': 'draws.is_closed_out', 'denominator': 'true', 'key': draw_key,
     'where': 'draws.is_task_due'},
    {'metric': 'sampling_ratio', 'numerator': 'true', 'denominator': 'false', 'key': 'draws.uscc'},
] %}
{%- for c in var('credit_classes') %}
{%- do rules.append({'metric': credit_class_metric_code(c), 'numerator': "coalesce(draws.credit_class_at_draw = '" ~ c ~ "', false)",
                     'denominator': 'false', 'key': 'draws.uscc'}) %}
{%- endfor %}
{{ config(materialized="ephemeral") }}
with

draws as (

    select * from {{ ref('int_draw__resolved') }}
    where dept_code is not null

),

{#- one block per metric: a mart filtering on metric_code keeps only its own blocks -#}
{% for rule in rules %}
{{ rule.metric }} as (

    select
        '{{ rule.metric }}' as metric_code,
        draws.dept_code,
        draws.region_code,
        draws.year,
        draws.period_date,
        'draw' as record_kind,
        {{ rule.key }} as record_key,
        draws.task_id,
        draws.uscc,
        draws.draw_date as record_date,
        draws.draw_mode as detail,
        {{ rule.numerator }} as in_numerator,
        {{ rule.denominator }} as in_denominator
    from draws
    {%- if rule.where %}
    where {{ rule.where }}
    {%- endif %}

),

{% endfor -%}
final as (

    {% for rule in rules %}
    select * from {{ rule.metric }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
