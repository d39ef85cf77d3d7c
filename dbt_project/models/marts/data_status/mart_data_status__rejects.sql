-- Every rejected row: batch, file, row number, reasons, reason kinds and the row verbatim (JSON).
-- 不予公示: a rejected row that the ingest stored masked (raw is_withheld: it carried a non-disclosure
-- reason under the mapped header, or named a result that had one), or that carries one by its text
-- (macro mentions_nondisclosure, for rows stored before the flag), or that names a current result
-- with one (e.g. a rejected decision or referral on a result loaded later, a restated version), is
-- counted like any other but withheld: is_withheld, its cells (row_json) blank and its reasons
-- replaced by a fixed text (a reason can quote the record key). Its reason kinds stay, so the
-- reject counts by kind are unchanged.
with

rejects as (

    select * from {{ ref('stg_platform__rejects') }}

),

entities as (

    select * from {{ ref('platform_entities') }}

),

nondisclosed_results as (

    select result_id
    from {{ ref('stg_platform__result') }}
    where nondisclosure_reason is not null

),

naming_nondisclosed as (

    select distinct
        rejects.batch_id,
        rejects.file_name,
        rejects.file_row_number,
        rejects.loaded_at
    from rejects
    inner join nondisclosed_results
        on {{ dbt.position('nondisclosed_results.result_id', "coalesce(rejects.row_json, '')") }} > 0
        or {{ dbt.position('nondisclosed_results.result_id', "coalesce(rejects.reasons, '')") }} > 0
    -- only files with a 结果编号 column (contract) name a result; this also keeps the substring join,
    -- which grows with rejects x secret results, off the large registers (object, assignment)
    where rejects.entity in ('result', 'decision', 'referral')

),

flagged as (

    select
        rejects.entity,
        rejects.batch_id,
        rejects.batch_date,
        rejects.file_name,
        rejects.file_row_number,
        rejects.reasons,
        rejects.reason_kinds,
        rejects.row_json,
        rejects.loaded_at,
        coalesce(rejects.is_withheld, false)
            or coalesce({{ mentions_nondisclosure("coalesce(rejects.row_json, '')") }}, false)
            or naming_nondisclosed.batch_id is not null as is_withheld
    from rejects
    left join naming_nondisclosed
        on rejects.batch_id = naming_nondisclosed.batch_id
        and rejects.file_name = naming_nondisclosed.file_name
        and rejects.file_row_number = naming_nondisclosed.file_row_number
        and rejects.loaded_at = naming_nondisclosed.loaded_at

),

final as (

    select
        flagged.entity,
        coalesce(entities.title, flagged.entity) as entity_title,
        flagged.batch_id,
        flagged.batch_date,
        flagged.file_name,
        flagged.file_row_number,
        case
            when flagged.is_withheld
                then '该行涉及依法不予公示的检查结果，原始内容和原因明细不予展示（见原因类别）'
            else flagged.reasons
        end as reasons,
        flagged.reason_kinds,
        {{ withhold_nondisclosed('flagged.row_json', 'flagged.is_withheld') }} as row_json,
        flagged.is_withheld,
        flagged.loaded_at
    from flagged
    left join entities
        on flagged.entity = entities.entity

)

select * from final
