-- Metric records of the object visits (检查户次), one row per result with an inspection date of a task
-- whose lead department resolves; record_key = the visit (object | inspection date,
-- int_result__resolved.visit_key), so the results of one visit count once over a whole scope (two
-- tasks visiting one object on one day are one visit at region and city level).
--   联合抽查占比（按检查户次）joint_visit_share: visits of joint tasks / visits.
-- item_checks (not listed in fct_metric_records) carries 进一次门查多项事 visits_saved, a sum of item
-- checks over the same records per visit (mart_metric__joint_inspection).
-- Counted for the task's lead department in the year of its start date. 不予公示: detail is the result
-- id, masked for a result with a nondisclosure reason (macro mask_nondisclosed).
{{ config(materialized="ephemeral") }}
with

results as (

    select * from {{ ref('int_result__resolved') }}
    where task_dept_code is not null
        and inspection_date is not null

),

final as (

    select
        'joint_visit_share' as metric_code,
        task_dept_code as dept_code,
        task_region_code as region_code,
        year,
        period_date,
        'visit' as record_kind,
        visit_key as record_key,
        task_id,
        uscc,
        inspection_date as record_date,
        {{ mask_nondisclosed('result_id', 'is_nondisclosed') }} as detail,
        is_joint as in_numerator,
        true as in_denominator,
        item_checks
    from results

)

select * from final
