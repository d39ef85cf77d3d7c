-- 联合抽查占比: joint tasks / tasks (int_metric_records__tasks); joint object visits / object visits
-- (int_metric_records__visits: a visit is a distinct object | inspection date over the whole scope);
-- and 进一次门查多项事 visits_saved: item checks / object visits over the same visit records (item checks
-- are a sum, so visits_saved is not listed in fct_metric_records). The rules live in the record models;
-- this mart counts their records at every scope and grain (macro metric_from_records).
with

task_records as (

    select * from {{ ref('int_metric_records__tasks') }}

),

visit_records as (

    select * from {{ ref('int_metric_records__visits') }}

),

by_tasks as (
    {{ metric_from_records('task_records', 'joint_task_share_tasks') }}
),

by_visits as (
    {{ metric_from_records('visit_records', 'joint_visit_share', keys_repeat=true) }}
),

saved as (
    {{ metric_from_records('visit_records', 'joint_visit_share', keys_repeat=true,
        numerator='coalesce(sum(item_checks), 0)', as_metric='visits_saved') }}
),

unioned as (

    select * from by_tasks
    union all
    select * from by_visits
    union all
    select * from saved

),

final as (

    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as rate
    from unioned

)

select * from final
