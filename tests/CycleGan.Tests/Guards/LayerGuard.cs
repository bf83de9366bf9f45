using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CycleGan.Tests.Guards;

/// <summary>One use of a library folder by a folder on the same or a lower floor (docs/ARCHITECTURE.md).</summary>
public sealed record LayerViolation(string FromType, string FromFolder, string ToType, string ToFolder)
{
    public override string ToString() => $"{FromFolder} → {ToFolder}: {FromType} uses {ToType}";
}

/// <summary>
/// The floors of the library, bottom first, as docs/ARCHITECTURE.md draws them; a folder may use its own types and
/// those of lower floors. Read from the compiled IL (signatures, fields, locals, every type, method and field an
/// instruction names), not from <c>using</c> lines. Attribute arguments are not uses: an
/// <c>[Option(ChoicesFrom = typeof(Registry))]</c> names the registry that lists a flag's values, read by reflection.
/// </summary>
public static class LayerGuard
{
    public static readonly IReadOnlyList<string[]> Floors =
    [
        [""],                                          // the root: UserError, Rng, AtomicFile, TorchRuntime, GcStress
        ["Distributed", "Reporting"],                  // the MPI communicator; HTML pages and plots
        ["Networks"],
        ["Options"],
        ["Checkpoints"],
        ["Data"],
        ["Models", "Onnx"],
        ["Sharding"],
        ["Training", "Inference", "Download"],
        ["Video"],
        ["Evaluation", "Diagnostics"],
        ["Serving", "Quickstart", "Reproduce", "Benchmarks"],
    ];

    /// <summary>The floor of a folder (first namespace part after <c>CycleGan</c>); -1 for one not on the map.</summary>
    public static int FloorOf(string folder)
    {
        for (int i = 0; i < Floors.Count; i++)
            if (Floors[i].Contains(folder)) return i;
        return -1;
    }

    /// <summary>The library folder of a type of CycleGan.dll: <c>CycleGan.Data.Synth.X</c> → <c>Data</c>; <c>CycleGan.X</c> → "".</summary>
    public static string? FolderOf(TypeReference t)
    {
        while (t.DeclaringType != null) t = t.DeclaringType;
        var ns = t.Namespace;
        if (ns == "CycleGan") return "";
        return ns.StartsWith("CycleGan.", StringComparison.Ordinal) ? ns["CycleGan.".Length..].Split('.')[0] : null;
    }

    /// <summary>Every use of one library folder by another: (type, its folder, the type it uses, that type's folder).</summary>
    public static IReadOnlyList<LayerViolation> Uses(string assemblyPath)
    {
        var module = ModuleDefinition.ReadModule(assemblyPath);
        var result = new List<LayerViolation>();
        foreach (var type in module.GetTypes())
        {
            if (FolderOf(type) is not { } from) continue;
            var seen = new HashSet<string>();
            foreach (var used in Uses(type))
            {
                var element = used.GetElementType();
                if (element.Scope is AssemblyNameReference) continue; // another assembly
                if (FolderOf(element) is not { } to || to == from || !seen.Add(element.FullName)) continue;
                result.Add(new(type.FullName, Show(from), element.FullName, Show(to)));
            }
        }
        return result;
    }

    /// <summary>The uses of a folder on the same floor or above (or of a folder on no floor).</summary>
    public static IReadOnlyList<LayerViolation> Scan(string assemblyPath) =>
        [.. Uses(assemblyPath).Where(u => FloorOf(Folder(u.FromFolder)) is var f && FloorOf(Folder(u.ToFolder)) is var t
            && (f < 0 || t < 0 || t >= f))];

    static string Show(string folder) => folder == "" ? "(root)" : folder;
    static string Folder(string shown) => shown == "(root)" ? "" : shown;

    static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        if (type.BaseType != null) foreach (var t in Expand(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces) foreach (var t in Expand(i.InterfaceType)) yield return t;
        foreach (var f in type.Fields) foreach (var t in Expand(f.FieldType)) yield return t;
        foreach (var p in type.Properties) foreach (var t in Expand(p.PropertyType)) yield return t;
        foreach (var m in type.Methods)
        {
            foreach (var t in Signature(m)) yield return t;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) foreach (var t in Expand(v.VariableType)) yield return t;
            foreach (var ins in m.Body.Instructions)
            {
                IEnumerable<TypeReference> named = ins.Operand switch
                {
                    TypeReference t => Expand(t),
                    MethodReference r => Expand(r.DeclaringType).Concat(Signature(r))
                        .Concat(r is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Expand) : []),
                    FieldReference f => Expand(f.DeclaringType).Concat(Expand(f.FieldType)),
                    _ => [],
                };
                foreach (var t in named) yield return t;
            }
        }
    }

    static IEnumerable<TypeReference> Signature(MethodReference m) =>
        Expand(m.ReturnType).Concat(m.Parameters.SelectMany(p => Expand(p.ParameterType)));

    static IEnumerable<TypeReference> Expand(TypeReference t)
    {
        yield return t;
        if (t is GenericInstanceType g)
            foreach (var a in g.GenericArguments) foreach (var inner in Expand(a)) yield return inner;
        if (t is TypeSpecification s && s.ElementType != t) foreach (var inner in Expand(s.ElementType)) yield return inner;
    }
}
