using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CycleGan.Serving;

/// <summary>
/// The paper's AMT perceptual study (from pix2pix): each trial shows a real and a generated image of one side side by
/// side, in random order, for a short time; the participant says which is real. Practice trials come first and get
/// feedback; the scored ones do not. A participant's plan (methods, stems, sides, order) is drawn once from
/// (seed, participant number) and stored with every answer in SQLite (WAL), so a restart loses nothing and a closed
/// tab resumes at the first unanswered trial.
/// </summary>
public sealed class PerceptualStudy
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    readonly ServeOptions _opt;
    readonly string _connection;

    public PerceptualStudy(ServeOptions opt)
    {
        _opt = opt;
        if (opt.StudyPractice < 0 || opt.StudyTrials < 1)
            throw new UserError("--study_trials must be at least 1 and --study_practice at least 0");
        if (opt.StudySeconds <= 0) throw new UserError("--study_seconds must be positive");
        Side = opt.StudyDirection switch
        {
            "AtoB" => "B",
            "BtoA" => "A",
            _ => throw new UserError($"--study_direction {opt.StudyDirection} is not AtoB or BtoA"),
        };
        Methods = opt.StudyResults.Select(r => StudyMethod.Load(r, Side)).ToList();
        if (Methods.Select(m => m.Name).Distinct().Count() != Methods.Count)
            throw new UserError("--study folders must be different results");
        var db = Path.GetFullPath(opt.StudyDbPath);
        AtomicFile.CreateDirectory(Path.GetDirectoryName(db)!);
        _connection = new SqliteConnectionStringBuilder { DataSource = db, Pooling = true }.ToString();
        using var c = Open();
        Execute(c, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS participants (id TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, name TEXT NOT NULL,
                created TEXT NOT NULL, plan TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS answers (participant TEXT NOT NULL REFERENCES participants(id), idx INTEGER NOT NULL,
                practice INTEGER NOT NULL, method TEXT NOT NULL, stem TEXT NOT NULL, fake_left INTEGER NOT NULL,
                chose_left INTEGER NOT NULL, chose_fake INTEGER NOT NULL, ms INTEGER NOT NULL, answered TEXT NOT NULL,
                PRIMARY KEY (participant, idx));
            """);
    }

    /// <summary>The side whose real and generated images are compared: B for AtoB (e.g. map→photo).</summary>
    public string Side { get; }
    public IReadOnlyList<StudyMethod> Methods { get; }
    public double Seconds => _opt.StudySeconds;
    public int PracticeCount => _opt.StudyPractice;
    public int Total => _opt.StudyPractice + _opt.StudyTrials;

    /// <summary>The plan of participant number <paramref name="number"/>: practice trials, then scored ones.</summary>
    public IReadOnlyList<StudyTrial> Plan(int number)
    {
        var rng = new Rng(Rng.Mix(_opt.StudySeed, number));
        // Scored trials are spread evenly over the methods, each method's stems drawn without replacement.
        var methods = Enumerable.Range(0, _opt.StudyTrials).Select(i => Methods[i % Methods.Count]).ToList();
        rng.Shuffle(methods);
        var decks = Methods.ToDictionary(m => m.Name, _ => new Queue<string>());
        string Draw(StudyMethod m)
        {
            var deck = decks[m.Name];
            if (deck.Count == 0)
            {
                var stems = m.Stems.ToList();
                rng.Shuffle(stems);
                foreach (var s in stems) deck.Enqueue(s);
            }
            return deck.Dequeue();
        }
        var trials = new List<StudyTrial>();
        for (int i = 0; i < _opt.StudyPractice; i++)
        {
            var m = Methods[rng.NextInt(Methods.Count)];
            trials.Add(new StudyTrial(i, true, m.Name, Draw(m), rng.NextInt(2) == 0));
        }
        foreach (var m in methods)
            trials.Add(new StudyTrial(trials.Count, false, m.Name, Draw(m), rng.NextInt(2) == 0));
        return trials;
    }

    /// <summary>Registers a participant and returns their id (unguessable: it is the key to their answers).</summary>
    public string Join(string name)
    {
        name = name.Trim();
        if (name.Length > 100) name = name[..100];
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        var number = Convert.ToInt32(Scalar(c, tx, "SELECT COALESCE(MAX(number), 0) + 1 FROM participants"), Invariant);
        var id = Guid.NewGuid().ToString("N");
        Execute(c, tx, "INSERT INTO participants (id, number, name, created, plan) VALUES ($id, $number, $name, $created, $plan)",
            ("$id", id), ("$number", number), ("$name", name), ("$created", DateTime.UtcNow.ToString("O", Invariant)),
            ("$plan", JsonSerializer.Serialize(Plan(number))));
        tx.Commit();
        return id;
    }

    public StudyNext Next(string participant)
    {
        var plan = PlanOf(participant);
        using var c = Open();
        var answered = Answered(c, null, participant);
        var done = answered >= plan.Count;
        return new StudyNext(participant, done, answered, !done && plan[answered].Practice, PracticeCount, plan.Count, Seconds);
    }

    /// <summary>
    /// Stores the answer to the participant's next trial; returns whether it was right for a practice trial (the
    /// feedback), null for a scored one. Re-sending the last answer (a retried request) changes nothing.
    /// </summary>
    public bool? Answer(string participant, int index, bool choseLeft, int milliseconds)
    {
        var plan = PlanOf(participant);
        if (index < 0 || index >= plan.Count) throw ServeError.BadRequest($"trial {index} does not exist");
        var t = plan[index];
        using var c = Open();
        using var tx = c.BeginTransaction(deferred: false);
        var answered = Answered(c, tx, participant);
        if (index < answered)
        {
            var stored = Convert.ToInt64(Scalar(c, tx, "SELECT chose_left FROM answers WHERE participant = $p AND idx = $i",
                ("$p", participant), ("$i", index)), Invariant) == 1;
            return t.Practice ? stored != t.FakeLeft : null;
        }
        if (index > answered) throw ServeError.BadRequest($"trial {answered} comes before trial {index}");
        var choseFake = choseLeft == t.FakeLeft;
        Execute(c, tx, """
            INSERT INTO answers (participant, idx, practice, method, stem, fake_left, chose_left, chose_fake, ms, answered)
            VALUES ($p, $i, $practice, $method, $stem, $fakeLeft, $choseLeft, $choseFake, $ms, $answered)
            """,
            ("$p", participant), ("$i", index), ("$practice", t.Practice), ("$method", t.Method), ("$stem", t.Stem),
            ("$fakeLeft", t.FakeLeft), ("$choseLeft", choseLeft), ("$choseFake", choseFake), ("$ms", Math.Max(0, milliseconds)),
            ("$answered", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        tx.Commit();
        return t.Practice ? !choseFake : null;
    }

    /// <summary>The file shown on one side of one trial.</summary>
    public string TrialImage(string participant, int index, bool left)
    {
        var plan = PlanOf(participant);
        if (index < 0 || index >= plan.Count) throw ServeError.NotFound($"trial {index} does not exist");
        var t = plan[index];
        return Methods.First(m => m.Name == t.Method).ImagePath(t.Stem, fake: left == t.FakeLeft, Side);
    }

    public StudySummary Summary()
    {
        var answers = Answers();
        using var c = Open();
        var participants = Convert.ToInt32(Scalar(c, "SELECT COUNT(*) FROM participants"), CultureInfo.InvariantCulture);
        var finished = answers.GroupBy(a => a.Participant).Count(g => g.Count() >= Total);
        var scored = answers.Where(a => !a.Practice).ToList();
        var methods = Methods.Select(m =>
        {
            var mine = scored.Where(a => a.Method == m.Name).ToList();
            int n = mine.Count, k = mine.Count(a => a.ChoseFake);
            double p = n == 0 ? 0 : (double)k / n;
            return new MethodScore(m.Name, n, k, 100 * p, n == 0 ? 0 : 100 * Math.Sqrt(p * (1 - p) / n),
                mine.Select(a => a.Participant).Distinct().Count());
        }).ToList();
        return new StudySummary(Side, methods, participants, finished, answers.Count);
    }

    public IReadOnlyList<StudyAnswer> Answers()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT a.participant, p.name, a.idx, a.practice, a.method, a.stem, a.fake_left, a.chose_left, a.chose_fake, a.ms,
                a.answered
            FROM answers a JOIN participants p ON p.id = a.participant ORDER BY p.number, a.idx
            """;
        using var r = cmd.ExecuteReader();
        var list = new List<StudyAnswer>();
        while (r.Read())
            list.Add(new StudyAnswer(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3) == 1, r.GetString(4), r.GetString(5),
                r.GetInt64(6) == 1, r.GetInt64(7) == 1, r.GetInt64(8) == 1, r.GetInt32(9),
                DateTime.Parse(r.GetString(10), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        return list;
    }

    /// <summary>Every answer as CSV, one row per trial (practice rows included and marked).</summary>
    public string Csv()
    {
        var sb = new StringBuilder("participant,name,trial,practice,method,stem,fake_side,chosen_side,chose_fake,ms,answered_utc\n");
        foreach (var a in Answers())
            sb.Append(CultureInfo.InvariantCulture, $"{a.Participant},{CsvField(a.ParticipantName)},{a.Index},{(a.Practice ? 1 : 0)},")
              .Append(CultureInfo.InvariantCulture, $"{CsvField(a.Method)},{CsvField(a.Stem)},{(a.FakeLeft ? "left" : "right")},")
              .Append(CultureInfo.InvariantCulture, $"{(a.ChoseLeft ? "left" : "right")},{(a.ChoseFake ? 1 : 0)},{a.Milliseconds},")
              .Append(a.AnsweredUtc.ToString("O", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    IReadOnlyList<StudyTrial> PlanOf(string participant)
    {
        using var c = Open();
        var json = Scalar(c, "SELECT plan FROM participants WHERE id = $p", ("$p", participant)) as string
            ?? throw ServeError.NotFound("unknown participant (join the study again)");
        return JsonSerializer.Deserialize<List<StudyTrial>>(json) ?? [];
    }

    static int Answered(SqliteConnection c, SqliteTransaction? tx, string participant) =>
        Convert.ToInt32(Scalar(c, tx, "SELECT COUNT(*) FROM answers WHERE participant = $p", ("$p", participant)), Invariant);

    SqliteConnection Open()
    {
        var c = new SqliteConnection(_connection);
        c.Open();
        // FULL: an answer acknowledged to the browser is on disk, also if the machine loses power.
        Execute(c, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
        return c;
    }

    static void Execute(SqliteConnection c, string sql, params (string Name, object Value)[] args) => Execute(c, null, sql, args);

    static void Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        cmd.ExecuteNonQuery();
    }

    static object? Scalar(SqliteConnection c, string sql, params (string Name, object Value)[] args) => Scalar(c, null, sql, args);

    static object? Scalar(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        return cmd.ExecuteScalar();
    }

    static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, (string Name, object Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }
}
