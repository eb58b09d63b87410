package io.callstream;

import static com.tngtech.archunit.lang.SimpleConditionEvent.violated;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import io.callstream.errortracking.SentryLink;
import io.sentry.Sentry;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The one-way house (style.md, each package's package-info), checked on the compiled main code: the
 * toolkits at the bottom import no feature, nothing imports the assembly, the two roles meet only
 * in {@code events}, packages form no cycle, no static field holds state that belongs to a node
 * (several nodes run in one JVM in tests; a node's objects are built by the assembly and passed
 * in), and the process-global Sentry SDK is initialised by Main only. Each rule was seen failing:
 * on the code before issue 20's fixes (web, demo, static fields, Sentry) or against deliberately
 * violating classes compiled next to the main classes (the others).
 */
class ArchitectureTest {
  private static final String ROOT = "io.callstream";
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages(ROOT);

  /**
   * Packages of callstream the web toolkit may use: the domain's refusals and typed settings,
   * nothing else.
   */
  private static final String[] WEB_MAY_USE = {
    ROOT + ".web..", ROOT + ".failure..", ROOT + ".config.."
  };

  /**
   * Static fields that hold process-wide (not node-wide) state, on purpose: signal handling is per
   * process (Shutdown), java.util.logging is per process and keeps its loggers weakly (Logging
   * keeps them strongly).
   */
  private static final Set<String> PROCESS_WIDE =
      Set.of(ROOT + ".app.Shutdown", ROOT + ".app.Logging");

  @Test
  void theWebToolkitImportsNoFeature() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".web..")
        .should()
        .dependOnClassesThat(callstreamOutside(WEB_MAY_USE))
        .because(
            "web is the toolkit at the bottom (web/package-info): features use it, never the other way")
        .check(MAIN);
  }

  @Test
  void failureImportsNothingOfCallstream() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".failure..")
        .should()
        .dependOnClassesThat(callstreamOutside(ROOT + ".failure.."))
        .because("the domain's refusals are at the very bottom (failure/package-info)")
        .check(MAIN);
  }

  @Test
  void theSignatureToolkitImportsNothingOfCallstream() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".signature..")
        .should()
        .dependOnClassesThat(callstreamOutside(ROOT + ".signature.."))
        .because("the webhook role and demo mode both use it (signature/package-info)")
        .check(MAIN);
  }

  @Test
  void demoModeUsesOnlyTheTablesOwnersAndTheToolkits() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".demo..")
        .should()
        .dependOnClassesThat(
            callstreamOutside(
                ROOT + ".demo..",
                ROOT + ".config..",
                ROOT + ".signature..",
                ROOT + ".auth.UserRepository",
                ROOT + ".auth.User",
                ROOT + ".driver.DriverRepository",
                ROOT + ".driver.Driver"))
        .because(
            "demo mode signs with the signature toolkit, gets the password hash from the assembly, and seeds "
                + "users and drivers through the owners of those tables (demo/package-info)")
        .check(MAIN);
  }

  @Test
  void nothingImportsTheAssembly() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".app..")
        .because(
            "app is the assembly on top: it may import every package, no other package imports it")
        .check(MAIN);
  }

  @Test
  void theWebhookRoleNeverImportsTheLiveRole() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".webhook..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".live..")
        .because("the roles meet only in events")
        .check(MAIN);
  }

  @Test
  void theLiveRoleNeverImportsTheWebhookRole() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".live..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".webhook..")
        .because("the roles meet only in events")
        .check(MAIN);
  }

  @Test
  void sentryIsInitialisedOnceByMain() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(SentryLink.class.getName())
        .should()
        .callMethodWhere(
            JavaCall.Predicates.target(
                    HasOwner.Predicates.With.owner(JavaClass.Predicates.equivalentTo(Sentry.class)))
                .and(JavaCall.Predicates.target(HasName.Predicates.name("init"))))
        .because("the Sentry SDK is process-global: only SentryLink initialises it")
        .check(MAIN);
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(ROOT + ".app.Main")
        .should()
        .callMethodWhere(
            JavaCall.Predicates.target(
                    HasOwner.Predicates.With.owner(
                        JavaClass.Predicates.equivalentTo(SentryLink.class)))
                .and(JavaCall.Predicates.target(HasName.Predicates.name("open"))))
        .because("once per process, on the main thread, before the node starts (SentryLink)")
        .check(MAIN);
  }

  @Test
  void packagesFormNoCycle() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noStaticFieldHoldsMutableState() {
    fields()
        .that()
        .areStatic()
        .and(notIn(PROCESS_WIDE))
        .should(beImmutableConstants())
        .because(
            "a node's objects (meters, counters, registries) are built once per node by the assembly and "
                + "passed in; a static field would be shared by every node of a JVM")
        .check(MAIN);
  }

  /**
   * Classes of callstream outside the given packages ({@code x..}) and other than the given
   * classes.
   */
  private static DescribedPredicate<JavaClass> callstreamOutside(String... allowed) {
    String[] packages = Arrays.stream(allowed).filter(a -> a.endsWith("..")).toArray(String[]::new);
    Set<String> classes =
        Arrays.stream(allowed).filter(a -> !a.endsWith("..")).collect(Collectors.toSet());
    return JavaClass.Predicates.resideInAPackage(ROOT + "..")
        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(packages)))
        .and(
            DescribedPredicate.describe(
                "not one of " + classes, c -> !classes.contains(c.getName())));
  }

  private static DescribedPredicate<JavaField> notIn(Set<String> classes) {
    return DescribedPredicate.describe(
        "not declared in " + classes, f -> !classes.contains(f.getOwner().getName()));
  }

  /**
   * Static, final, and not of a mutable kind: no atomic counter or flag
   * (java.util.concurrent.atomic), no collection or map unless the declaring class never constructs
   * one in its static initialiser (so the value comes from an immutable factory such as {@code
   * List.of}).
   */
  private static ArchCondition<JavaField> beImmutableConstants() {
    return new ArchCondition<>("be final immutable constants") {
      @Override
      public void check(JavaField field, ConditionEvents events) {
        JavaClass type = field.getRawType();
        String where = field.getFullName() + " (" + field.getSourceCodeLocation() + ")";
        if (!field.getModifiers().contains(JavaModifier.FINAL)) {
          events.add(violated(field, where + " is static but not final"));
        } else if (type.getPackageName().equals("java.util.concurrent.atomic")) {
          events.add(violated(field, where + " is a static " + type.getSimpleName()));
        } else if ((type.isAssignableTo(Collection.class) || type.isAssignableTo(Map.class))
            && constructsMutableCollection(field.getOwner())) {
          events.add(
              violated(
                  field,
                  where
                      + " is a static "
                      + type.getSimpleName()
                      + " whose class builds a mutable collection in its static initialiser"));
        }
      }
    };
  }

  private static boolean constructsMutableCollection(JavaClass owner) {
    return owner
        .getStaticInitializer()
        .map(
            init ->
                init.getConstructorCallsFromSelf().stream()
                    .map(call -> call.getTargetOwner())
                    .anyMatch(
                        t -> t.isAssignableTo(Collection.class) || t.isAssignableTo(Map.class)))
        .orElse(false);
  }
}
