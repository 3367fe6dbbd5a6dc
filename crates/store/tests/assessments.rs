//! Catalogs and assessments in the store, on the backend chosen by `SANSO_TEST_DATABASE_URL`
//! (SQLite when unset): built-ins stored once, answers checked whole, review flow and lock,
//! audit entries, workspace isolation, backup and restore.

use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::{Answer, AnswerStatus, Catalog, CriterionResult};
use sanso_store::assessments::{AssessmentState, AssessmentUpdate, CatalogSource, NewAssessment};
use sanso_store::audit::AuditVerification;
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store, StoreError};

async fn seeded(inst: &TestInstallation) -> (Store, String, String) {
    let store = Store::open(&inst.config).await.expect("open store");
    let (admin, ws) = store
        .create_first_admin(
            &Actor::cli(),
            "admin@example.com",
            "Admin",
            "a long password",
            "Buyer",
        )
        .await
        .unwrap();
    (store, admin.id, ws.id)
}

fn star() -> Catalog {
    builtin_catalog("meti-star-draft").expect("built in")
}

fn new_star3(title: &str) -> NewAssessment {
    let star = star();
    NewAssessment {
        catalog_id: star.id,
        catalog_version: star.version,
        target_level: Some("star3".into()),
        target_node_id: None,
        title: title.into(),
    }
}

fn fields(err: StoreError) -> Vec<String> {
    match err {
        StoreError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn assessment_lifecycle_with_checked_answers_and_lock() {
    let inst = TestInstallation::new().await;
    let (store, _, ws) = seeded(&inst).await;
    let actor = Actor::cli();
    let star = star();
    let star3 = star.requirements_at_level("star3");

    let listed = store.list_catalogs(&ws).await.unwrap();
    assert!(listed.len() >= 5, "{listed:?}");
    assert!(listed
        .iter()
        .all(|c| c.source == CatalogSource::Builtin && c.imported_at.is_none()));

    let a = store
        .create_assessment(&actor, &ws, new_star3("first"))
        .await
        .unwrap();
    let b = store
        .create_assessment(&actor, &ws, new_star3("second"))
        .await
        .unwrap();
    assert_eq!(a.state, AssessmentState::Draft);
    // The built-in is stored once, however many assessments use it.
    let stored: Vec<_> = store
        .list_catalogs(&ws)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.id == star.id)
        .collect();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].imported_at.is_some() && stored[0].workspace_id.is_none());

    let mut first = Answer::new(&star3[0].id, AnswerStatus::Implemented);
    first.criteria = star3[0]
        .criteria
        .iter()
        .map(|c| CriterionResult {
            criterion_id: c.id.clone(),
            met: true,
        })
        .collect();
    first.evidence = vec!["0".repeat(64), "https://example.com/policy".into()];
    first.owner = Some("佐藤".into());
    first.due = Some("2026-12-31".into());
    let second = Answer::new(&star3[1].id, AnswerStatus::Partial);
    store
        .set_answers(&actor, &ws, &a.id, vec![first.clone(), second.clone()])
        .await
        .unwrap();

    // Every problem named with its index; nothing stored.
    let mut bad_due = Answer::new(&star3[2].id, AnswerStatus::Implemented);
    bad_due.due = Some("2026-13-01".into());
    let mut bad_criterion = Answer::new(&star3[3].id, AnswerStatus::Implemented);
    bad_criterion.criteria = vec![CriterionResult {
        criterion_id: "nope".into(),
        met: true,
    }];
    let err = store
        .set_answers(
            &actor,
            &ws,
            &a.id,
            vec![
                Answer::new(&star3[4].id, AnswerStatus::Implemented),
                Answer::new("E99", AnswerStatus::Implemented),
                bad_criterion,
                Answer::new(&star3[4].id, AnswerStatus::Partial),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(
        fields(err),
        vec![
            "answers[1].requirement_id",
            "answers[2].criteria[0].criterion_id",
            "answers[3].requirement_id"
        ]
    );
    let err = store
        .set_answers(&actor, &ws, &a.id, vec![bad_due])
        .await
        .unwrap_err();
    assert_eq!(fields(err), vec!["answers[0].due"]);
    let got = store.get_assessment(&ws, &a.id).await.unwrap();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort_by(|x, y| x.requirement_id.cmp(&y.requirement_id));
    assert_eq!(got.answers, expected);
    assert!(store
        .get_assessment(&ws, &b.id)
        .await
        .unwrap()
        .answers
        .is_empty());

    // Score through the library.
    let score = store.score_assessment(&ws, &a.id).await.unwrap();
    assert_eq!(
        score.report,
        sanso_catalog::score(&star, &expected, Some("star3")).unwrap()
    );
    assert_eq!(score.gaps.len(), 25 - score.report.overall.met);

    // Review flow.
    assert!(matches!(
        store.approve_assessment(&actor, &ws, &a.id, None).await,
        Err(StoreError::Conflict(_))
    ));
    store.submit_assessment(&actor, &ws, &a.id).await.unwrap();
    assert!(matches!(
        store
            .set_answers(&actor, &ws, &a.id, vec![second.clone()])
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .return_assessment(&actor, &ws, &a.id, "  ".into())
            .await,
        Err(StoreError::Invalid(_))
    ));
    let returned = store
        .return_assessment(&actor, &ws, &a.id, "証跡不足".into())
        .await
        .unwrap();
    assert_eq!(returned.state, AssessmentState::Returned);
    assert_eq!(returned.review_comment, "証跡不足");
    store
        .set_answers(
            &actor,
            &ws,
            &a.id,
            vec![Answer::new(&star3[2].id, AnswerStatus::NotApplicable)],
        )
        .await
        .unwrap();
    store.submit_assessment(&actor, &ws, &a.id).await.unwrap();
    let approved = store
        .approve_assessment(&actor, &ws, &a.id, None)
        .await
        .unwrap();
    assert_eq!(approved.state, AssessmentState::Approved);
    assert_eq!(approved.answers.len(), 3);
    for result in [
        store
            .set_answers(&actor, &ws, &a.id, vec![second.clone()])
            .await
            .map(|_| ()),
        store
            .import_questionnaire_answers(&actor, &ws, &a.id, vec![], Default::default())
            .await
            .map(|_| ()),
        store
            .update_assessment(
                &actor,
                &ws,
                &a.id,
                AssessmentUpdate {
                    title: "x".into(),
                    target_node_id: None,
                },
            )
            .await
            .map(|_| ()),
        store.delete_assessment(&actor, &ws, &a.id).await,
        store
            .submit_assessment(&actor, &ws, &a.id)
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    }
    assert_eq!(store.get_assessment(&ws, &a.id).await.unwrap(), approved);

    // Audit: each step recorded, chain intact.
    let audit = store.list_audit(&ws, None, 1000).await.unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.object_id == a.id)
        .map(|e| e.action.as_str())
        .collect();
    for action in [
        "assessment.create",
        "assessment.answers",
        "assessment.submit",
        "assessment.return",
        "assessment.approve",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Intact { .. }
    ));

    // Backup and restore carry catalogs, assessments and answers.
    let archive = inst.dir.path().join("backup.tar.gz");
    let manifest = store.backup_to(&archive, &|_, _| {}).await.unwrap();
    assert_eq!(manifest.tables["assessments"], 2);
    assert_eq!(manifest.tables["assessment_answers"], 3);
    assert_eq!(manifest.tables["catalogs"], 1);
    let target = TestInstallation::sibling().await;
    Store::restore(&archive, &target.config).await.unwrap();
    let restored = Store::open(&target.config).await.unwrap();
    assert_eq!(restored.get_assessment(&ws, &a.id).await.unwrap(), approved);
    assert_eq!(
        restored.score_assessment(&ws, &a.id).await.unwrap(),
        store.score_assessment(&ws, &a.id).await.unwrap()
    );
}

#[tokio::test]
async fn workspaces_see_only_their_own_assessments_and_catalogs() {
    let inst = TestInstallation::new().await;
    let (store, _, ws_a) = seeded(&inst).await;
    let actor = Actor::cli();
    let other = store
        .create_user(&actor, "b@example.com", "B", "a long password")
        .await
        .unwrap();
    let ws_b = store
        .create_workspace(&actor, "Supplier", "", &other.id)
        .await
        .unwrap()
        .id;
    let a = store
        .create_assessment(&actor, &ws_a, new_star3("A"))
        .await
        .unwrap();
    assert!(matches!(
        store.get_assessment(&ws_b, &a.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.score_assessment(&ws_b, &a.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_answers(
                &actor,
                &ws_b,
                &a.id,
                vec![Answer::new("E01", AnswerStatus::Implemented)]
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.submit_assessment(&actor, &ws_b, &a.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_assessment(&actor, &ws_b, &a.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.list_assessments(&ws_b).await.unwrap().is_empty());
    assert_eq!(store.list_assessments(&ws_a).await.unwrap().len(), 1);

    // A catalog imported by A is A's alone; B may import the same id and version.
    let mut custom = star();
    custom.id = "acme-star".into();
    store
        .import_catalog(&actor, &ws_a, custom.clone())
        .await
        .unwrap();
    assert!(matches!(
        store.import_catalog(&actor, &ws_a, custom.clone()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.import_catalog(&actor, &ws_a, star()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.get_catalog(&ws_b, "acme-star", &custom.version).await,
        Err(StoreError::NotFound)
    ));
    let mut input = new_star3("B");
    input.catalog_id = "acme-star".into();
    assert_eq!(
        fields(
            store
                .create_assessment(&actor, &ws_b, input.clone())
                .await
                .unwrap_err()
        ),
        vec!["catalog_id"]
    );
    store.import_catalog(&actor, &ws_b, custom).await.unwrap();
    store.create_assessment(&actor, &ws_b, input).await.unwrap();
}
