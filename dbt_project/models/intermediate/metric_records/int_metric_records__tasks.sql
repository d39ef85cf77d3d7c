-- Metric records of the task-based rules, one row per metric x task of a resolved lead department
-- (tasks whose lead department does not resolve count nowhere: mart_data_status__unresolved_department_names).
--   临时任务占比（按数量）temporary_task_share_tasks: temporary (source 上级部署 / 突发情况) / all tasks;
--   联合抽查占比（按任务）joint_task_share_tasks: joint (跨部门) / all tasks;
--   信用风险分类结果运用 credit_linked_task_share: credit-linked random tasks / random tasks, a random task
--       being one with at least one 随机抽取 draw (tasks with only 全覆盖 / 直接指派 draws are in neither, so
--       a department with only such tasks has 0/0, not applicable).
-- Counted for the lead department in the year of the start date (period_date = start date).
{#- The rules, one per metric: numerator and denominator flags. -#}
{%- set rules = [
    {'metric': 'temporary_task_share_tasks', 'numerator': 'tasks.is_temporary', 'denominator': 'true'},
    {'metric': 'joint_task_share_tasks', 'numerator': 'tasks.is_joint', 'denominator': 'true'},
    {'metric': 'credit_linked_task_share', 'numerator': 'tasks.is_random_task and tasks.is_credit_linked',
     'denominator': 'tasks.is_random_task'},
] %}
{{ config(materialized="ephemeral") }}
with

random_tasks as (

    select distinct task_id
    from {{ ref('int_draw__resolved') }}
    where is_random_draw

),

tasks as (

    select
        resolved.*,
        random_tasks.task_id is not null as is_random_task
    from {{ ref('int_task__resolved') }} as resolved
    left join random_tasks
        on resolved.task_id = random_tasks.task_id
    where resolved.dept_code is not null

),

{% for rule in rules %}
{{ rule.metric }} as (

    select
        '{{ rule.metric }}' as metric_code,
        tasks.dept_code,
        tasks.region_code,
        tasks.year,
        tasks.period_date,
        'task' as record_kind,
        tasks.task_id as record_key,
        tasks.task_id,
        cast(null as string) as uscc,
        tasks.start_date as record_date,
        tasks.task_source as detail,
        {{ rule.numerator }} as in_numerator,
        {{ rule.denominator }} as in_denominator
    from tasks

),

{% endfor -%}
final as (

    {{ union_rule_ctes(rules) }}

)

select * from final
