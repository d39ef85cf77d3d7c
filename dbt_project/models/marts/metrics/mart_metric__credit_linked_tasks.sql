-- 信用风险分类结果运用: credit-linked random tasks / random tasks (a random task has at least one 随机抽取
-- draw; a department with only 全覆盖 / 直接指派 tasks has 0/0, a NULL rate). The rule lives in
-- int_metric_records__tasks; this mart counts its records at every scope and grain
-- (macro metric_from_records).
with

task_records as (

    select * from {{ ref('int_metric_records__tasks') }}

),

scoped as (
    {{ metric_from_records('task_records', 'credit_linked_task_share') }}
),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from scoped

)

select * from final
