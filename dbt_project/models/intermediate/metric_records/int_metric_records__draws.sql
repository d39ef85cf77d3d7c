-- Metric records of the draw-based rules, one row per metric x draw (task x object) of a task whose
-- lead department resolves; counted for the lead department in the year of the task's start date.
--   临时任务占比（按规模）temporary_task_share_objects: draws of temporary tasks / all draws (one per
--       task x object, so an object drawn by two tasks counts twice);
--   随机抽取占比 random_draw_share (三(六): random drawing is required except for items and tasks whose
--       inspection ratio is 100%): draws made at random (随机抽取) / all draws except those of a 100%
--       ratio, which are in neither (a department with only such draws has 0/0, not applicable). A draw
--       is of a 100% ratio (is_full_ratio) when its mode is 全覆盖, or its task states a ratio of 100%
--       (stg_platform__task.sampling_ratio_pct, the lower bound of a range), or every item its task lists
--       is a 100%-ratio item of the item list (stg_platform__item.is_full_coverage). A task listing a
--       100% item beside a plain one must still draw at random (the plain item is not exempt), so its
--       draws count; 直接指派 (direct assignment) counts in the denominator and lowers the rate;
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
    {'metric': 'random_draw_share', 'numerator': 'draws.is_random_draw and not draws.is_full_ratio',
     'denominator': 'not draws.is_full_ratio', 'key': draw_key},
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

platform_tasks as (

    select * from {{ ref('stg_platform__task') }}

),

items as (

    select
        {{ strip_whitespace(fold_full_width('item_code')) }} as item_entry,
        is_full_coverage
    from {{ ref('stg_platform__item') }}

),

task_items as (

    select
        task_id,
        {{ list_entries('item_codes') }} as item_entry
    from platform_tasks

),

-- tasks whose listed items are all 100%-ratio items (an entry not on the item list is not one)
full_ratio_item_tasks as (

    select task_items.task_id
    from task_items
    left join items
        on task_items.item_entry = items.item_entry
    where task_items.item_entry <> ''
    group by task_items.task_id
    having count(*) = count(case when items.is_full_coverage then 1 end)

),

full_ratio_tasks as (

    select task_id from full_ratio_item_tasks
    union
    select task_id from platform_tasks
    where sampling_ratio_pct >= 100

),

draws as (

    select
        resolved.*,
        coalesce(resolved.draw_mode = '全覆盖', false) or full_ratio_tasks.task_id is not null as is_full_ratio
    from {{ ref('int_draw__resolved') }} as resolved
    left join full_ratio_tasks
        on resolved.task_id = full_ratio_tasks.task_id
    where resolved.dept_code is not null

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

    {{ union_rule_ctes(rules) }}

)

select * from final
