-- Every way a department is named -> the department. Forms: the full name and the short name of
-- the current department records, each reduced to its name key (whitespace and full-width
-- normalised, upper case), so `市 市场监管局`, `市市场监管局` and `市市场监管局　` all match.
-- One row per name key. A full name beats a short name of another department; when the best form
-- still names several departments the key is ambiguous and dept_code stays NULL (unresolved).
with

departments as (

    select * from {{ ref('stg_platform__department') }}

),

forms as (

    select
        dept_name_key as name_key,
        dept_name as name,
        '全称' as name_form,
        1 as form_rank,
        dept_code,
        dept_name,
        region_code,
        dept_level,
        is_member
    from departments
    where dept_name_key is not null

    union all

    select
        dept_short_name_key as name_key,
        dept_short_name as name,
        '简称' as name_form,
        2 as form_rank,
        dept_code,
        dept_name,
        region_code,
        dept_level,
        is_member
    from departments
    where dept_short_name_key is not null

),

best_form as (

    select *
    from forms
    qualify form_rank = min(form_rank) over (partition by name_key)

),

candidates as (

    select
        name_key,
        count(distinct dept_code) as candidate_count
    from best_form
    group by name_key

),

one_per_key as (

    select *
    from best_form
    qualify row_number() over (
        partition by name_key
        order by dept_code nulls last, name nulls last
    ) = 1

),

final as (

    select
        one_per_key.name_key,
        one_per_key.name,
        one_per_key.name_form,
        candidates.candidate_count,
        candidates.candidate_count > 1 as is_ambiguous,
        case when candidates.candidate_count = 1 then one_per_key.dept_code end as dept_code,
        case when candidates.candidate_count = 1 then one_per_key.dept_name end as dept_name,
        case when candidates.candidate_count = 1 then one_per_key.region_code end as region_code,
        case when candidates.candidate_count = 1 then one_per_key.dept_level end as dept_level,
        case when candidates.candidate_count = 1 then one_per_key.is_member end as is_member
    from one_per_key
    inner join candidates
        on one_per_key.name_key = candidates.name_key

)

select * from final
