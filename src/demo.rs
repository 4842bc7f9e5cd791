//! `serve --demo`: a realistic city to explore on an empty database. Kota Madiun with three
//! kecamatan, their kelurahan, RW and RT, an open 2027 cycle with forums at every level,
//! accounts for every role, and a few hundred proposals with history and discussion.
use chrono::Duration;
use entity::{
    account, activity, agency, comment, cycle,
    enums::{
        CycleStatus, ForumLevel, ForumStatus, ImplementationStatus, OutcomeList, OutcomeReason,
        PriorityOutcome, ProposalStatus, ProposerType, RegionLevel, Role, SelectionLimit,
        VerificationStatus,
    },
    forum, implementation_update, priority_entry, proposal, proposal_status_change, region,
    role_grant, sector, stage,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, Set,
};

use crate::{auth, db::Db, domain::now};

pub const DEMO_PASSWORD: &str = "musrenbang2027";

const KECAMATAN: [(&str, &str, [&str; 4]); 3] = [
    (
        "35.77.01",
        "Manguharjo",
        ["Pangongangan", "Madiun Lor", "Patihan", "Nambangan Kidul"],
    ),
    (
        "35.77.02",
        "Taman",
        ["Josenan", "Kejuron", "Mojorejo", "Banjarejo"],
    ),
    (
        "35.77.03",
        "Kartoharjo",
        ["Oro-Oro Ombo", "Klegen", "Rejomulyo", "Tawangrejo"],
    ),
];

const AGENCIES: [(&str, &str, &str); 8] = [
    (
        "1.03.01",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "DPUPR",
    ),
    ("1.02.01", "Dinas Kesehatan", "Dinkes"),
    ("1.01.01", "Dinas Pendidikan", "Dindik"),
    ("2.15.01", "Dinas Perhubungan", "Dishub"),
    ("2.11.01", "Dinas Lingkungan Hidup", "DLH"),
    ("1.06.01", "Dinas Sosial", "Dinsos"),
    ("2.17.01", "Dinas Koperasi dan Usaha Mikro", "Dinkop UM"),
    (
        "1.04.01",
        "Dinas Perumahan dan Kawasan Permukiman",
        "Disperkim",
    ),
];

const SECTORS: [(&str, &str); 8] = [
    ("1.03", "Pekerjaan Umum dan Penataan Ruang"),
    ("1.02", "Kesehatan"),
    ("1.01", "Pendidikan"),
    ("2.15", "Perhubungan"),
    ("2.11", "Lingkungan Hidup"),
    ("1.06", "Sosial"),
    ("2.17", "Koperasi, Usaha Kecil dan Menengah"),
    ("1.04", "Perumahan dan Kawasan Permukiman"),
];

/// (title, problem, solution, unit, unit cost, index into AGENCIES/SECTORS, physical)
const IDEAS: [(&str, &str, &str, &str, i64, usize, bool); 14] = [
    ("Pembangunan saluran drainase", "Saat hujan deras air meluap ke jalan dan rumah warga karena saluran tersumbat dan terlalu sempit.", "Membangun saluran drainase beton tertutup agar air hujan mengalir lancar ke sungai.", "meter", 1_450_000, 0, true),
    ("Paving jalan lingkungan", "Jalan lingkungan rusak dan berlubang sehingga becek dan licin ketika musim hujan.", "Memasang paving block pada jalan lingkungan beserta kanstin di kedua sisi.", "m2", 235_000, 0, true),
    ("Penerangan jalan umum", "Gang gelap pada malam hari sehingga warga merasa tidak aman dan sering terjadi pencurian.", "Memasang lampu penerangan jalan umum tenaga surya di titik-titik rawan.", "unit", 7_800_000, 3, true),
    ("Peralatan posyandu balita", "Timbangan dan alat ukur tinggi badan di posyandu sudah rusak sehingga pemantauan gizi balita terganggu.", "Pengadaan paket alat antropometri standar untuk posyandu.", "paket", 14_500_000, 1, false),
    ("Pelatihan pengolahan makanan bagi UMKM", "Banyak ibu rumah tangga memiliki usaha makanan kecil tetapi belum memiliki izin PIRT dan kemasan yang layak.", "Pelatihan pengolahan, pengemasan dan pendampingan perizinan untuk pelaku usaha mikro.", "orang", 950_000, 6, false),
    ("Bank sampah RW", "Sampah rumah tangga menumpuk di lahan kosong dan dibakar sehingga menimbulkan asap.", "Mendirikan bank sampah dengan timbangan, gerobak dan rak pemilahan.", "unit", 27_000_000, 4, true),
    ("Rehabilitasi rumah tidak layak huni", "Beberapa keluarga miskin tinggal di rumah berdinding bambu dengan atap bocor.", "Bedah rumah tidak layak huni bagi keluarga penerima bantuan sosial.", "unit", 20_000_000, 7, true),
    ("Taman baca masyarakat", "Anak-anak tidak memiliki tempat belajar dan membaca setelah jam sekolah.", "Menyediakan taman baca dengan rak, buku anak dan koneksi internet di balai RW.", "paket", 32_000_000, 2, false),
    ("Pengerukan sungai", "Sedimentasi sungai tinggi sehingga kawasan permukiman tergenang setiap tahun.", "Normalisasi dan pengerukan sedimen sungai serta perkuatan tebing.", "meter", 2_100_000, 0, true),
    ("Rambu dan marka zona selamat sekolah", "Kendaraan melaju kencang di depan sekolah dasar sehingga membahayakan murid yang menyeberang.", "Memasang rambu, marka dan pita penggaduh zona selamat sekolah.", "paket", 45_000_000, 3, true),
    ("Pemberian makanan tambahan ibu hamil", "Masih ditemukan ibu hamil kekurangan energi kronis dan kasus balita stunting.", "Program pemberian makanan tambahan dan kelas gizi bagi ibu hamil.", "orang", 600_000, 1, false),
    ("Sumur resapan", "Air hujan langsung menjadi limpasan sementara air sumur warga berkurang saat kemarau.", "Membangun sumur resapan komunal di fasilitas umum.", "unit", 6_500_000, 4, true),
    ("Pelatihan kader lansia", "Lansia yang tinggal sendiri kurang mendapat pendampingan kesehatan.", "Pelatihan kader pendamping lansia dan posbindu.", "orang", 750_000, 5, false),
    ("Jalan usaha tani", "Petani kesulitan mengangkut hasil panen karena jalan tanah rusak.", "Pengerasan jalan usaha tani dengan rabat beton.", "meter", 850_000, 0, true),
];

const NAMES: [&str; 40] = [
    "Siti Aminah",
    "Budi Santoso",
    "Sri Wahyuni",
    "Agus Setiawan",
    "Dewi Lestari",
    "Joko Susilo",
    "Rina Marlina",
    "Hendra Gunawan",
    "Nur Hidayah",
    "Eko Prasetyo",
    "Yuni Astuti",
    "Bambang Riyadi",
    "Ratna Sari",
    "Slamet Riyanto",
    "Endang Purwati",
    "Wahyu Hidayat",
    "Tri Handayani",
    "Arif Rahman",
    "Lilik Suryani",
    "Dedi Kurniawan",
    "Fitri Rahmawati",
    "Suparno",
    "Indah Permatasari",
    "Teguh Wibowo",
    "Mulyani",
    "Rudi Hartono",
    "Anik Sulistyowati",
    "Heru Purnomo",
    "Sumarni",
    "Yusuf Maulana",
    "Puji Rahayu",
    "Dwi Cahyono",
    "Kartini",
    "Imam Syafii",
    "Wulan Sari",
    "Sugeng Widodo",
    "Nanik Kusumawati",
    "Andi Firmansyah",
    "Rukmini",
    "Gatot Subroto",
];

const COMMENTS: [&str; 8] = [
    "Setuju, di RT kami juga mengalami masalah yang sama.",
    "Mohon dipertimbangkan karena sudah diusulkan sejak tahun lalu.",
    "Apakah sudah ada perhitungan RAB dari kelurahan?",
    "Sebaiknya dikoordinasikan dengan pengurus RW sebelah.",
    "Kami siap gotong royong untuk pemeliharaannya.",
    "Lokasinya tepat di depan sekolah, sangat mendesak.",
    "Terima kasih, usulan ini sangat membantu warga lansia.",
    "Mohon foto kondisi terkini dilampirkan.",
];

/// A small deterministic generator: the demo is the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Loads the demo if the database holds no region yet; returns the sign-in details to print.
pub async fn load_if_empty(db: &Db) -> anyhow::Result<Option<String>> {
    if region::Entity::find().count(db.reader()).await? > 0 {
        return Ok(None);
    }
    let password_hash = auth::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!(e.message()))?;
    let txn = db.begin().await.map_err(|e| anyhow::anyhow!(e.message()))?;
    let credentials = seed(&txn, &password_hash).await?;
    txn.commit().await?;
    Ok(Some(credentials))
}

async fn add_region(
    txn: &DatabaseTransaction,
    code: &str,
    name: &str,
    level: RegionLevel,
    parent: Option<&region::Model>,
) -> anyhow::Result<region::Model> {
    crate::domain::regions::insert(txn, code, name, level, parent)
        .await
        .map_err(|e| anyhow::anyhow!(e.message()))
}

async fn add_account(
    txn: &DatabaseTransaction,
    name: &str,
    email: &str,
    hash: &str,
    home: Option<i32>,
    verified: bool,
) -> anyhow::Result<account::Model> {
    Ok(account::ActiveModel {
        name: Set(name.to_owned()),
        email: Set(Some(email.to_owned())),
        phone: Set(None),
        password_hash: Set(hash.to_owned()),
        home_region_id: Set(home),
        verification: Set(if verified {
            VerificationStatus::Verified
        } else {
            VerificationStatus::Unverified
        }),
        verified_by: Set(None),
        verified_at: Set(verified.then(now)),
        created_at: Set(now() - Duration::days(60)),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

async fn grant(
    txn: &DatabaseTransaction,
    account_id: i32,
    role: Role,
    forum_id: Option<i32>,
    region_id: Option<i32>,
) -> anyhow::Result<()> {
    role_grant::ActiveModel {
        account_id: Set(account_id),
        role: Set(role),
        forum_id: Set(forum_id),
        region_id: Set(region_id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn add_forum(
    txn: &DatabaseTransaction,
    cycle_id: i32,
    level: ForumLevel,
    region_id: i32,
    agency_id: Option<i32>,
    parent: Option<i32>,
    name: String,
    ceiling: i64,
) -> anyhow::Result<forum::Model> {
    Ok(forum::ActiveModel {
        cycle_id: Set(cycle_id),
        level: Set(level),
        region_id: Set(region_id),
        agency_id: Set(agency_id),
        parent_forum_id: Set(parent),
        name: Set(name),
        status: Set(ForumStatus::Scheduled),
        budget_ceiling: Set(Some(ceiling)),
        selection_limit: Set(SelectionLimit::Budget),
        max_count: Set(None),
        tolerance_percent: Set(5),
        created_at: Set(now() - Duration::days(30)),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

#[allow(clippy::too_many_arguments)]
async fn history(
    txn: &impl ConnectionTrait,
    proposal: &proposal::Model,
    level: ForumLevel,
    forum_id: i32,
    from: Option<ProposalStatus>,
    to: ProposalStatus,
    actor: i32,
    note: Option<&str>,
    days_ago: i64,
) -> anyhow::Result<()> {
    proposal_status_change::ActiveModel {
        proposal_id: Set(proposal.id),
        level: Set(level),
        forum_id: Set(forum_id),
        from_status: Set(from),
        to_status: Set(to),
        actor_id: Set(actor),
        note: Set(note.map(str::to_owned)),
        created_at: Set(now() - Duration::days(days_ago)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn seed(txn: &DatabaseTransaction, hash: &str) -> anyhow::Result<String> {
    let mut rng = SplitMix(2027);
    let province = add_region(txn, "35", "Jawa Timur", RegionLevel::Provinsi, None).await?;
    let city = add_region(
        txn,
        "35.77",
        "Kota Madiun",
        RegionLevel::KabupatenKota,
        Some(&province),
    )
    .await?;

    let mut agencies = Vec::new();
    for (code, name, abbreviation) in AGENCIES {
        agencies.push(
            agency::ActiveModel {
                code: Set(code.into()),
                name: Set(name.into()),
                abbreviation: Set(Some(abbreviation.into())),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    let mut sectors = Vec::new();
    for (code, name) in SECTORS {
        sectors.push(
            sector::ActiveModel {
                code: Set(code.into()),
                name: Set(name.into()),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    let mut activities = Vec::new();
    for (i, (title, _, _, unit, unit_cost, family, physical)) in IDEAS.iter().enumerate() {
        activities.push(
            activity::ActiveModel {
                code: Set(format!("KU-{:03}", i + 1)),
                name: Set((*title).into()),
                sector_id: Set(sectors[*family].id),
                agency_id: Set(Some(agencies[*family].id)),
                unit: Set((*unit).into()),
                unit_cost: Set(*unit_cost),
                physical: Set(*physical),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }

    let plan = cycle::ActiveModel {
        plan_year: Set(2027),
        name: Set("Musrenbang RKPD Kota Madiun Tahun 2027".into()),
        region_id: Set(city.id),
        status: Set(CycleStatus::Active),
        created_by: Set(None),
        created_at: Set(now() - Duration::days(45)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Every stage is open in the demo so that each step of the workflow can be tried now.
    for level in [
        ForumLevel::DesaKelurahan,
        ForumLevel::Kecamatan,
        ForumLevel::ForumOpd,
        ForumLevel::KabupatenKota,
    ] {
        stage::ActiveModel {
            cycle_id: Set(plan.id),
            level: Set(level),
            opens_at: Set(now() - Duration::days(21)),
            closes_at: Set(now() + Duration::days(60)),
            locked: Set(false),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let city_forum = add_forum(
        txn,
        plan.id,
        ForumLevel::KabupatenKota,
        city.id,
        None,
        None,
        "Musrenbang Kota Madiun 2027".into(),
        25_000_000_000,
    )
    .await?;
    for agency in agencies.iter().take(4) {
        add_forum(
            txn,
            plan.id,
            ForumLevel::ForumOpd,
            city.id,
            Some(agency.id),
            Some(city_forum.id),
            format!(
                "Forum Perangkat Daerah {}",
                agency.abbreviation.clone().unwrap_or_default()
            ),
            5_000_000_000,
        )
        .await?;
    }

    let admin = add_account(
        txn,
        "Admin Musrenbang",
        "admin@musrenbang.test",
        hash,
        Some(city.id),
        true,
    )
    .await?;
    grant(txn, admin.id, Role::Admin, None, None).await?;
    let planner = add_account(
        txn,
        "Perencana Bappeda",
        "perencana@musrenbang.test",
        hash,
        Some(city.id),
        true,
    )
    .await?;
    grant(txn, planner.id, Role::Planner, None, Some(city.id)).await?;

    let mut kelurahan_forums = Vec::new();
    let mut homes = Vec::new();
    let mut moderator_lines = Vec::new();
    for (kec_code, kec_name, kelurahan) in KECAMATAN {
        let kec = add_region(txn, kec_code, kec_name, RegionLevel::Kecamatan, Some(&city)).await?;
        let kec_forum = add_forum(
            txn,
            plan.id,
            ForumLevel::Kecamatan,
            kec.id,
            None,
            Some(city_forum.id),
            format!("Musrenbang Kecamatan {kec_name}"),
            2_500_000_000,
        )
        .await?;
        let kec_moderator = add_account(
            txn,
            &format!("Fasilitator Kecamatan {kec_name}"),
            &format!("fasilitator.{}@musrenbang.test", slug(kec_name)),
            hash,
            Some(kec.id),
            true,
        )
        .await?;
        grant(
            txn,
            kec_moderator.id,
            Role::Moderator,
            Some(kec_forum.id),
            None,
        )
        .await?;
        moderator_lines.push(format!(
            "  fasilitator.{}@musrenbang.test  (Kecamatan {kec_name})",
            slug(kec_name)
        ));
        for (k, kel_name) in kelurahan.iter().enumerate() {
            let kel = add_region(
                txn,
                &format!("{kec_code}.{}", 1001 + k),
                kel_name,
                RegionLevel::DesaKelurahan,
                Some(&kec),
            )
            .await?;
            let mut rts = Vec::new();
            for rw_no in 1..=3 {
                let rw = add_region(
                    txn,
                    &format!("{}.{rw_no:03}", kel.code),
                    &format!("RW {rw_no:02}"),
                    RegionLevel::Rw,
                    Some(&kel),
                )
                .await?;
                for rt_no in 1..=2 {
                    rts.push(
                        add_region(
                            txn,
                            &format!("{}.{rt_no:03}", rw.code),
                            &format!("RT {rt_no:02} / RW {rw_no:02}"),
                            RegionLevel::Rt,
                            Some(&rw),
                        )
                        .await?,
                    );
                }
            }
            let ceiling = 300_000_000 + 50_000_000 * (rng.below(5) as i64);
            let kel_forum = add_forum(
                txn,
                plan.id,
                ForumLevel::DesaKelurahan,
                kel.id,
                None,
                Some(kec_forum.id),
                format!("Musrenbang Kelurahan {kel_name}"),
                ceiling,
            )
            .await?;
            let moderator = add_account(
                txn,
                &format!("Fasilitator {kel_name}"),
                &format!("fasilitator.{}@musrenbang.test", slug(kel_name)),
                hash,
                Some(kel.id),
                true,
            )
            .await?;
            grant(txn, moderator.id, Role::Moderator, Some(kel_forum.id), None).await?;
            moderator_lines.push(format!(
                "  fasilitator.{}@musrenbang.test  (Kelurahan {kel_name})",
                slug(kel_name)
            ));
            homes.extend(rts.iter().map(|rt| (rt.clone(), kel_forum.clone())));
            kelurahan_forums.push((
                kel_forum,
                kec_forum.clone(),
                rts,
                moderator,
                kec_moderator.clone(),
                kel,
            ));
        }
    }

    let mut residents = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let (home, _) = &homes[(i * 7) % homes.len()];
        let verified = i % 5 != 4;
        let resident = add_account(
            txn,
            name,
            &format!("warga{:02}@musrenbang.test", i + 1),
            hash,
            Some(home.id),
            verified,
        )
        .await?;
        grant(txn, resident.id, Role::Resident, None, None).await?;
        residents.push(resident);
    }

    let mut created = 0;
    for (kel_forum, kec_forum, rts, moderator, kec_moderator, kel) in &kelurahan_forums {
        for n in 0..25 {
            let (title, problem, solution, unit, unit_cost, family, physical) = *rng.pick(&IDEAS);
            let rt = rng.pick(rts);
            let proposer = rng.pick(&residents);
            let volume = match unit {
                "meter" => (20 + rng.below(9) * 10) as f64,
                "m2" => (100 + rng.below(7) * 50) as f64,
                "orang" => (20 + rng.below(6) * 5) as f64,
                _ => (1 + rng.below(5)) as f64,
            };
            let cost = ((volume * unit_cost as f64) as i64 / 1000) * 1000;
            let roll = rng.below(100);
            let (status, forwarded) = match roll {
                0..=4 => (ProposalStatus::Draft, false),
                5..=34 => (ProposalStatus::Submitted, false),
                35..=39 => (ProposalStatus::Returned, false),
                40..=64 => (ProposalStatus::Verified, false),
                65..=69 => (ProposalStatus::Rejected, false),
                70..=84 => (ProposalStatus::Forwarded, true),
                85..=94 => (ProposalStatus::Reserve, false),
                _ => (ProposalStatus::Withdrawn, false),
            };
            let days = 20 - (n as i64 % 15);
            let (forum, level) = if forwarded {
                (kec_forum, ForumLevel::Kecamatan)
            } else {
                (kel_forum, ForumLevel::DesaKelurahan)
            };
            let lat = -7.63 + (rng.below(400) as f64) / 10_000.0;
            let lon = 111.50 + (rng.below(400) as f64) / 10_000.0;
            let p = proposal::ActiveModel {
                code: Set(format!("seed-{created}")),
                cycle_id: Set(plan.id),
                forum_id: Set(forum.id),
                level: Set(level),
                status: Set(status),
                title: Set(format!("{title} {} Kelurahan {}", rt.name, kel.name)),
                problem: Set(problem.into()),
                solution: Set(solution.into()),
                sector_id: Set(Some(sectors[family].id)),
                physical: Set(physical),
                activity_id: Set(Some(
                    activities[IDEAS.iter().position(|i| i.0 == title).unwrap_or(0)].id,
                )),
                region_id: Set(rt.id),
                address: Set(format!(
                    "Jl. {} No. {}, {}",
                    rng.pick(&[
                        "Merdeka",
                        "Diponegoro",
                        "Sudirman",
                        "Kartini",
                        "Pahlawan",
                        "Cokroaminoto"
                    ]),
                    1 + rng.below(120),
                    rt.name
                )),
                latitude: Set(Some(lat)),
                longitude: Set(Some(lon)),
                volume: Set(volume),
                unit: Set(unit.into()),
                estimated_cost: Set(cost),
                beneficiaries: Set((40 + rng.below(60) * 10) as i32),
                proposer_type: Set(if n % 6 == 0 {
                    ProposerType::RtRw
                } else {
                    ProposerType::Resident
                }),
                proposer_id: Set(proposer.id),
                initial_agency_id: Set(Some(agencies[family].id)),
                final_agency_id: Set(Some(agencies[family].id)),
                merged_into_id: Set(None),
                created_at: Set(now() - Duration::days(days + 5)),
                updated_at: Set(now() - Duration::days(days)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let mut active = p.clone().into_active_model();
            active.code = Set(format!("USL-2027-{:06}", p.id));
            let p = active.update(txn).await?;
            created += 1;

            let kel_level = ForumLevel::DesaKelurahan;
            history(
                txn,
                &p,
                kel_level,
                kel_forum.id,
                None,
                ProposalStatus::Draft,
                proposer.id,
                None,
                days + 5,
            )
            .await?;
            if status == ProposalStatus::Draft {
                continue;
            }
            history(
                txn,
                &p,
                kel_level,
                kel_forum.id,
                Some(ProposalStatus::Draft),
                ProposalStatus::Submitted,
                proposer.id,
                None,
                days + 4,
            )
            .await?;
            match status {
                ProposalStatus::Returned => {
                    history(
                        txn,
                        &p,
                        kel_level,
                        kel_forum.id,
                        Some(ProposalStatus::Submitted),
                        status,
                        moderator.id,
                        Some("Mohon lengkapi foto lokasi dan perkiraan volume."),
                        days,
                    )
                    .await?
                }
                ProposalStatus::Rejected => {
                    history(
                        txn,
                        &p,
                        kel_level,
                        kel_forum.id,
                        Some(ProposalStatus::Submitted),
                        status,
                        moderator.id,
                        Some("Lokasi merupakan lahan milik swasta, bukan aset pemerintah."),
                        days,
                    )
                    .await?
                }
                ProposalStatus::Withdrawn => {
                    history(
                        txn,
                        &p,
                        kel_level,
                        kel_forum.id,
                        Some(ProposalStatus::Submitted),
                        status,
                        proposer.id,
                        None,
                        days,
                    )
                    .await?
                }
                ProposalStatus::Verified | ProposalStatus::Reserve | ProposalStatus::Forwarded => {
                    history(
                        txn,
                        &p,
                        kel_level,
                        kel_forum.id,
                        Some(ProposalStatus::Submitted),
                        ProposalStatus::Verified,
                        moderator.id,
                        None,
                        days + 2,
                    )
                    .await?;
                    if status != ProposalStatus::Verified {
                        history(
                            txn,
                            &p,
                            kel_level,
                            kel_forum.id,
                            Some(ProposalStatus::Verified),
                            status,
                            moderator.id,
                            None,
                            days,
                        )
                        .await?;
                    }
                }
                _ => {}
            }
            let _ = kec_moderator;
            for c in 0..rng.below(4) {
                let author = rng.pick(&residents);
                let hidden = c == 2 && rng.below(3) == 0;
                comment::ActiveModel {
                    proposal_id: Set(p.id),
                    parent_id: Set(None),
                    author_id: Set(author.id),
                    body: Set(if hidden {
                        "Promosi jual beli tanah murah, hubungi nomor saya.".into()
                    } else {
                        (*rng.pick(&COMMENTS)).into()
                    }),
                    hidden_at: Set(hidden.then(now)),
                    hidden_by: Set(hidden.then_some(moderator.id)),
                    hidden_reason: Set(hidden.then(|| "Iklan, tidak terkait usulan".to_owned())),
                    created_at: Set(now() - Duration::days(days) + Duration::hours(c as i64 + 1)),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
        }
    }

    let followed = seed_last_year(
        txn,
        &city,
        &kelurahan_forums,
        &residents,
        &planner,
        &agencies,
    )
    .await?;
    let agency_staff = seed_reports(txn, hash, &homes, &residents, &agencies).await?;

    Ok(format!(
        "Demo loaded: Kota Madiun, cycle 2027, {} kelurahan forums, {created} proposals; \
         the 2026 cycle closed with {followed} proposals to follow into the plan.\n\
         Every demo account uses the password: {DEMO_PASSWORD}\n\
         \x20 admin@musrenbang.test       (administrator)\n\
         \x20 perencana@musrenbang.test   (planner, Bappeda Kota Madiun)\n\
         \x20 {agency_staff}   (agency staff, DPUPR: answers complaints)\n\
         {}\n\
         \x20 warga01@musrenbang.test … warga{:02}@musrenbang.test (residents; every fifth is awaiting verification)",
        kelurahan_forums.len(),
        moderator_lines.join("\n"),
        NAMES.len()
    ))
}

/// Report categories of the demo, each with the agency (index into `AGENCIES`) it goes to.
const REPORT_CATEGORIES: [(&str, &str, usize); 5] = [
    ("DRAINASE", "Saluran air dan drainase", 0),
    ("JALAN", "Jalan dan trotoar rusak", 0),
    ("KESEHATAN", "Layanan kesehatan", 1),
    ("PJU", "Lampu penerangan jalan", 3),
    ("SAMPAH", "Sampah dan kebersihan", 4),
];

/// Complaints and aspirations between forums: an agency (DPUPR) account to answer them, the
/// categories, the holidays on fixed dates (administrators add the rest of each year's decree),
/// and reports at every step, one of them past its clock and one rated.
async fn seed_reports(
    txn: &DatabaseTransaction,
    hash: &str,
    homes: &[(region::Model, forum::Model)],
    residents: &[account::Model],
    agencies: &[agency::Model],
) -> anyhow::Result<&'static str> {
    use crate::domain::{complaints::calendar::Calendar, regions::TimeZone};
    use entity::{
        enums::{HolidayKind, ReportKind, ReportPrivacy, ReportRole, ReportStatus},
        holiday, report, report_category, report_update, satisfaction_survey,
    };
    const EMAIL: &str = "opd.pupr@musrenbang.test";
    let staff = add_account(txn, "Petugas DPUPR", EMAIL, hash, None, true).await?;
    role_grant::ActiveModel {
        account_id: Set(staff.id),
        role: Set(Role::Agency),
        agency_id: Set(Some(agencies[0].id)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for year in [2026, 2027] {
        for (month, day, name) in [
            (1, 1, "Tahun Baru Masehi"),
            (5, 1, "Hari Buruh Internasional"),
            (6, 1, "Hari Lahir Pancasila"),
            (8, 17, "Hari Kemerdekaan RI"),
            (12, 25, "Hari Raya Natal"),
        ] {
            if let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) {
                holiday::ActiveModel {
                    day: Set(date),
                    name: Set(name.into()),
                    kind: Set(HolidayKind::National),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
        }
    }
    let mut categories = Vec::new();
    for (code, name, agency) in REPORT_CATEGORIES {
        categories.push(
            report_category::ActiveModel {
                code: Set(code.into()),
                name: Set(name.into()),
                agency_id: Set(agencies[agency].id),
                verify_days: Set(3),
                follow_up_days: Set(5),
                active: Set(true),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    let calendar = Calendar::default();
    let samples: [(&str, &str, usize, ReportStatus, ReportPrivacy, i64); 6] = [
        (
            "Saluran tersumbat di depan pasar",
            "Setiap hujan air meluap ke jalan karena saluran penuh sampah dan lumpur.",
            0,
            ReportStatus::Submitted,
            ReportPrivacy::Anonymous,
            9,
        ),
        (
            "Jalan berlubang dekat sekolah",
            "Lubang besar di jalan depan SD membahayakan anak-anak yang bersepeda.",
            1,
            ReportStatus::Disposed,
            ReportPrivacy::Public,
            4,
        ),
        (
            "Lampu jalan mati sepanjang gang",
            "Tiga lampu penerangan jalan di gang RT kami mati sejak sebulan lalu.",
            3,
            ReportStatus::Verified,
            ReportPrivacy::Anonymous,
            2,
        ),
        (
            "Gorong-gorong ambrol",
            "Gorong-gorong di ujung gang ambrol sehingga motor tidak bisa lewat.",
            0,
            ReportStatus::Answered,
            ReportPrivacy::Public,
            12,
        ),
        (
            "Saluran irigasi dangkal",
            "Saluran di belakang permukiman dangkal dan sering meluap.",
            0,
            ReportStatus::Closed,
            ReportPrivacy::Anonymous,
            30,
        ),
        (
            "Sampah menumpuk di TPS",
            "Sampah di TPS tidak diangkut selama seminggu dan berbau.",
            4,
            ReportStatus::Submitted,
            ReportPrivacy::Secret,
            1,
        ),
    ];
    for (n, (title, body, category, status, privacy, age_days)) in samples.into_iter().enumerate() {
        let (home, _) = &homes[(n * 11) % homes.len()];
        let reporter = &residents[(n * 3) % residents.len()];
        let category = &categories[category];
        let created = now() - Duration::days(age_days);
        let zone = TimeZone::of_code(&home.code);
        let reached = |step: ReportStatus| {
            let order = [
                ReportStatus::Submitted,
                ReportStatus::Verified,
                ReportStatus::Disposed,
                ReportStatus::Answered,
                ReportStatus::Closed,
            ];
            let at = |s: ReportStatus| order.iter().position(|o| *o == s).unwrap_or(0);
            at(status) >= at(step)
        };
        let verified_at = reached(ReportStatus::Verified).then(|| created + Duration::days(1));
        let disposed_at = reached(ReportStatus::Disposed).then(|| created + Duration::days(1));
        let answered_at = reached(ReportStatus::Answered).then(|| created + Duration::days(3));
        let row = report::ActiveModel {
            kind: Set(ReportKind::Complaint),
            title: Set(title.into()),
            body: Set(body.into()),
            category_id: Set(category.id),
            region_id: Set(home.id),
            latitude: Set(Some(-7.63 + n as f64 * 0.004)),
            longitude: Set(Some(111.52 + n as f64 * 0.003)),
            address: Set(format!("{}, Kota Madiun", home.name)),
            privacy: Set(privacy),
            share_identity_with_agency: Set(false),
            reporter_id: Set(reporter.id),
            status: Set(status),
            agency_id: Set(disposed_at.map(|_| category.agency_id)),
            rejection_reason: Set(None),
            merged_into_id: Set(None),
            proposal_id: Set(None),
            escalation_level: Set(0),
            escalated_at: Set(None),
            disputed: Set(false),
            verify_due_at: Set(calendar.deadline(created, 3, zone)),
            verified_at: Set(verified_at),
            disposed_at: Set(disposed_at),
            follow_up_due_at: Set(disposed_at.map(|at| calendar.deadline(at, 5, zone))),
            first_follow_up_at: Set(answered_at),
            answered_at: Set(answered_at),
            closed_at: Set((status == ReportStatus::Closed).then(|| created + Duration::days(5))),
            created_at: Set(created),
            updated_at: Set(created + Duration::days(1)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let steps = [
            (None, ReportStatus::Submitted, ReportRole::Reporter, None),
            (
                Some(ReportStatus::Submitted),
                ReportStatus::Verified,
                ReportRole::Coordinator,
                None,
            ),
            (
                Some(ReportStatus::Verified),
                ReportStatus::Disposed,
                ReportRole::Coordinator,
                None,
            ),
            (
                Some(ReportStatus::Disposed),
                ReportStatus::Answered,
                ReportRole::Agency,
                Some("Sudah ditangani oleh tim lapangan."),
            ),
            (
                Some(ReportStatus::Answered),
                ReportStatus::Closed,
                ReportRole::Reporter,
                None,
            ),
        ];
        for (from, to, role, note) in steps {
            if !reached(to) {
                break;
            }
            report_update::ActiveModel {
                report_id: Set(row.id),
                actor_id: Set(None),
                actor_role: Set(role),
                from_status: Set(from),
                to_status: Set(to),
                note: Set(note.map(str::to_owned)),
                created_at: Set(created),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        if status == ReportStatus::Closed {
            satisfaction_survey::ActiveModel {
                report_id: Set(row.id),
                agency_id: Set(category.agency_id),
                requirements: Set(4),
                procedure: Set(3),
                time: Set(3),
                cost: Set(4),
                product: Set(3),
                competence: Set(4),
                conduct: Set(4),
                complaint_handling: Set(3),
                facilities: Set(3),
                suggestion: Set(Some("Terima kasih, cepat ditangani.".into())),
                created_at: Set(created + Duration::days(5)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(EMAIL)
}

/// A kelurahan of the demo: its 2027 forum, its kecamatan's forum, its RTs, their moderators
/// (kelurahan, kecamatan) and the kelurahan itself.
type KelurahanSeed = (
    forum::Model,
    forum::Model,
    Vec<region::Model>,
    account::Model,
    account::Model,
    region::Model,
);

/// A demo proposal's title, cost and the levels it passed with what became of it at each.
type PastPath<'a> = (&'static str, i64, Vec<(&'a Level<'a>, Fate)>);

/// The forums of one level in last year's cycle that a proposal passed through.
struct Level<'a> {
    forum: &'a forum::Model,
    moderator: i32,
}

/// What became of a proposal at one level of last year's cycle.
#[derive(Clone, Copy)]
enum Fate {
    MovedUp,
    Accepted,
    NotAccepted,
    NotSelected,
    Reserve,
}

/// Last year's (2026) cycle, closed: in the first two kelurahan of every kecamatan, residents'
/// proposals went up level by level; some entered the plan and are being carried out, some
/// were not accepted, some were not selected (they can be carried over into 2027).
async fn seed_last_year(
    txn: &DatabaseTransaction,
    city: &region::Model,
    kelurahan_forums: &[KelurahanSeed],
    residents: &[account::Model],
    planner: &account::Model,
    agencies: &[agency::Model],
) -> anyhow::Result<usize> {
    let plan = cycle::ActiveModel {
        plan_year: Set(2026),
        name: Set("Musrenbang RKPD Kota Madiun Tahun 2026".into()),
        region_id: Set(city.id),
        status: Set(CycleStatus::Closed),
        created_by: Set(None),
        created_at: Set(now() - Duration::days(420)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let closed_forum =
        |level, region_id, parent, name: String, closed_days_ago: i64| forum::ActiveModel {
            cycle_id: Set(plan.id),
            level: Set(level),
            region_id: Set(region_id),
            agency_id: Set(None),
            parent_forum_id: Set(parent),
            name: Set(name),
            status: Set(ForumStatus::Closed),
            budget_ceiling: Set(Some(match level {
                ForumLevel::KabupatenKota => 20_000_000_000,
                ForumLevel::Kecamatan => 2_000_000_000,
                _ => 300_000_000,
            })),
            selection_limit: Set(SelectionLimit::Budget),
            max_count: Set(None),
            tolerance_percent: Set(5),
            created_at: Set(now() - Duration::days(400)),
            closed_at: Set(Some(now() - Duration::days(closed_days_ago))),
            ..Default::default()
        };
    let city_forum = closed_forum(
        ForumLevel::KabupatenKota,
        city.id,
        None,
        "Musrenbang Kota Madiun 2026".into(),
        300,
    )
    .insert(txn)
    .await?;
    let mut followed = 0;
    let mut kecamatan_forums: Vec<(i32, forum::Model)> = Vec::new();
    for (index, (kel_forum_2027, kec_forum_2027, rts, moderator, kec_moderator, kel)) in
        kelurahan_forums.iter().enumerate()
    {
        if index % 4 >= 2 {
            continue;
        }
        let kec_forum = match kecamatan_forums
            .iter()
            .find(|(region, _)| *region == kec_forum_2027.region_id)
        {
            Some((_, forum)) => forum.clone(),
            None => {
                let forum = closed_forum(
                    ForumLevel::Kecamatan,
                    kec_forum_2027.region_id,
                    Some(city_forum.id),
                    kec_forum_2027.name.replace("Musrenbang", "Musrenbang 2026"),
                    330,
                )
                .insert(txn)
                .await?;
                kecamatan_forums.push((forum.region_id, forum.clone()));
                forum
            }
        };
        let kel_forum = closed_forum(
            ForumLevel::DesaKelurahan,
            kel_forum_2027.region_id,
            Some(kec_forum.id),
            format!("Musrenbang Kelurahan {} 2026", kel.name),
            360,
        )
        .insert(txn)
        .await?;
        let kelurahan = Level {
            forum: &kel_forum,
            moderator: moderator.id,
        };
        let kecamatan = Level {
            forum: &kec_forum,
            moderator: kec_moderator.id,
        };
        let kota = Level {
            forum: &city_forum,
            moderator: planner.id,
        };
        let paths: [PastPath; 4] = [
            (
                "Perbaikan jalan lingkungan",
                180_000_000,
                vec![
                    (&kelurahan, Fate::MovedUp),
                    (&kecamatan, Fate::MovedUp),
                    (&kota, Fate::Accepted),
                ],
            ),
            (
                "Rehabilitasi gedung serbaguna",
                95_000_000,
                vec![
                    (&kelurahan, Fate::MovedUp),
                    (&kecamatan, Fate::MovedUp),
                    (&kota, Fate::NotAccepted),
                ],
            ),
            (
                "Pelatihan kewirausahaan pemuda",
                60_000_000,
                vec![(&kelurahan, Fate::NotSelected)],
            ),
            (
                "Taman bermain anak",
                140_000_000,
                vec![(&kelurahan, Fate::Reserve)],
            ),
        ];
        for (n, (title, cost, path)) in paths.into_iter().enumerate() {
            let proposer = &residents[(index * 4 + n) % residents.len()];
            let rt = &rts[n % rts.len()];
            let Some(&(last_level, last_fate)) = path.last() else {
                continue;
            };
            let status = match last_fate {
                Fate::Accepted => ProposalStatus::Accepted,
                Fate::NotAccepted => ProposalStatus::NotAccepted,
                Fate::NotSelected => ProposalStatus::Rejected,
                Fate::Reserve => ProposalStatus::Reserve,
                Fate::MovedUp => ProposalStatus::Forwarded,
            };
            let created = proposal::ActiveModel {
                code: Set(format!("seed-2026-{index}-{n}")),
                cycle_id: Set(plan.id),
                forum_id: Set(last_level.forum.id),
                level: Set(last_level.forum.level),
                status: Set(status),
                title: Set(format!("{title} {} Kelurahan {} (2026)", rt.name, kel.name)),
                problem: Set("Warga sudah lama mengeluhkan kondisi ini di rembuk RW.".into()),
                solution: Set("Dikerjakan sesuai standar kegiatan dinas terkait.".into()),
                sector_id: Set(None),
                physical: Set(n != 2),
                activity_id: Set(None),
                region_id: Set(rt.id),
                address: Set(format!("Jl. Pahlawan No. {}, {}", 10 + n, rt.name)),
                latitude: Set(None),
                longitude: Set(None),
                volume: Set(1.0),
                unit: Set("paket".into()),
                estimated_cost: Set(cost),
                beneficiaries: Set(300),
                proposer_type: Set(ProposerType::Resident),
                proposer_id: Set(proposer.id),
                initial_agency_id: Set(Some(agencies[n % agencies.len()].id)),
                final_agency_id: Set(Some(agencies[n % agencies.len()].id)),
                merged_into_id: Set(None),
                carried_over_from_id: Set(None),
                implementation_status: Set(match last_fate {
                    Fate::Accepted if index % 2 == 0 => Some(ImplementationStatus::Done),
                    Fate::Accepted => Some(ImplementationStatus::InProgress),
                    _ => None,
                }),
                created_at: Set(now() - Duration::days(400)),
                updated_at: Set(now() - Duration::days(300)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let mut active = created.clone().into_active_model();
            active.code = Set(format!("USL-2026-{:06}", created.id));
            let proposal = active.update(txn).await?;
            followed += 1;
            history(
                txn,
                &proposal,
                ForumLevel::DesaKelurahan,
                kel_forum.id,
                None,
                ProposalStatus::Draft,
                proposer.id,
                None,
                400,
            )
            .await?;
            history(
                txn,
                &proposal,
                ForumLevel::DesaKelurahan,
                kel_forum.id,
                Some(ProposalStatus::Draft),
                ProposalStatus::Submitted,
                proposer.id,
                None,
                399,
            )
            .await?;
            let mut arrived = ProposalStatus::Submitted;
            for (step, (level, fate)) in path.iter().enumerate() {
                let days = 390 - 30 * step as i64;
                let forum = level.forum;
                history(
                    txn,
                    &proposal,
                    forum.level,
                    forum.id,
                    Some(arrived),
                    ProposalStatus::Verified,
                    level.moderator,
                    None,
                    days,
                )
                .await?;
                let (to, outcome, list, reason, note) = match fate {
                    Fate::MovedUp => (
                        ProposalStatus::Forwarded,
                        PriorityOutcome::Forwarded,
                        OutcomeList::Main,
                        OutcomeReason::Selected,
                        "Masuk daftar prioritas",
                    ),
                    Fate::Accepted => (
                        ProposalStatus::Accepted,
                        PriorityOutcome::Accepted,
                        OutcomeList::Main,
                        OutcomeReason::Selected,
                        "Masuk daftar prioritas",
                    ),
                    // Within every ceiling on the way: the city forum put other work first.
                    Fate::NotAccepted => (
                        ProposalStatus::NotAccepted,
                        PriorityOutcome::NotSelected,
                        OutcomeList::Out,
                        OutcomeReason::ForumDecision,
                        "Diputuskan forum: belum menjadi prioritas RKPD 2026",
                    ),
                    Fate::NotSelected => (
                        ProposalStatus::Rejected,
                        PriorityOutcome::NotSelected,
                        OutcomeList::Out,
                        OutcomeReason::NoSupport,
                        "Tidak mendapat dukungan suara",
                    ),
                    Fate::Reserve => (
                        ProposalStatus::Reserve,
                        PriorityOutcome::Reserve,
                        OutcomeList::Reserve,
                        OutcomeReason::DidNotFitRemainingBudget,
                        "Tidak cukup pagu: sisa Rp 25.000.000 saat gilirannya",
                    ),
                };
                history(
                    txn,
                    &proposal,
                    forum.level,
                    forum.id,
                    Some(ProposalStatus::Verified),
                    to,
                    level.moderator,
                    Some(note),
                    days - 10,
                )
                .await?;
                priority_entry::ActiveModel {
                    forum_id: Set(forum.id),
                    proposal_id: Set(proposal.id),
                    round_id: Set(None),
                    rank: Set(n as i32 + 1),
                    list: Set(list),
                    reason: Set(reason),
                    support: Set(String::new()),
                    cost: Set(cost),
                    outcome: Set(outcome),
                    note: Set(note.into()),
                    promoted_at: Set(None),
                    created_at: Set(now() - Duration::days(days - 10)),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                arrived = to;
            }
            if let Some(reached) = proposal.implementation_status {
                let milestones = [
                    (
                        ImplementationStatus::Planned,
                        250,
                        "Masuk DPA Dinas; lelang dijadwalkan April.",
                    ),
                    (
                        ImplementationStatus::InProgress,
                        150,
                        "Pekerjaan fisik dimulai, progres 40%.",
                    ),
                    (
                        ImplementationStatus::Done,
                        40,
                        "Pekerjaan selesai dan diserahterimakan kepada warga.",
                    ),
                ];
                for (status, days_ago, note) in milestones {
                    implementation_update::ActiveModel {
                        proposal_id: Set(proposal.id),
                        status: Set(status),
                        happened_on: Set((now() - Duration::days(days_ago)).date_naive()),
                        note: Set(note.into()),
                        photo_url: Set(None),
                        author_id: Set(planner.id),
                        created_at: Set(now() - Duration::days(days_ago)),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    if status == reached {
                        break;
                    }
                }
            }
        }
    }
    Ok(followed)
}
