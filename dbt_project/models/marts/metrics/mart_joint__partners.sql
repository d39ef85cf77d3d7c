-- 谁与谁联合抽查: per joint task's lead (initiating) department and each participating (配合)
-- department, the number of joint tasks together per year (task year). Participants come from the
-- task_department entity (is_lead false); names that do not resolve are kept with a NULL code.
with

tasks as (

    select * from {{ ref('int_task__resolved') }}
    where is_joint
        and dept_code is not null

),

participants as (

    select * from {{ ref('stg_platform__task_department') }}
    where not coalesce(is_lead, false)

),

departments as (

    select * from {{ ref('int_department__name_lookup') }}

),

pairs as (

    select
        tasks.year,
        tasks.dept_code as lead_dept_code,
        tasks.region_code as lead_region_code,
        departments.dept_code as partner_dept_code,
        participants.dept_name as partner_dept_name,
        tasks.task_id
    from tasks
    inner join participants
        on tasks.task_id = participants.task_id
    left join departments
        on participants.dept_name_key = departments.name_key

),

final as (

    select
        year,
        lead_dept_code,
        lead_region_code,
        partner_dept_code,
        min(partner_dept_name) as partner_dept_name,
        count(distinct task_id) as joint_tasks
    from pairs
    where partner_dept_code is null or partner_dept_code <> lead_dept_code
    group by year, lead_dept_code, lead_region_code, partner_dept_code,
        case when partner_dept_code is null then partner_dept_name end

)

select * from final
