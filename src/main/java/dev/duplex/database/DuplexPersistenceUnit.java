package dev.duplex.database;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceProvider;
import jakarta.persistence.spi.PersistenceProviderResolverHolder;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.net.URL;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Duplex's persistence unit, given to the container's JPA provider (EclipseLink on Payara, Hibernate on
 * WildFly) through the standard SPI with a data source chosen at run time. Resource-local: each store call is
 * one short transaction. No shared cache, so several servers may use one database. The schema is Flyway's: the
 * provider never creates or alters tables.
 */
final class DuplexPersistenceUnit implements PersistenceUnitInfo {

    private final DataSource dataSource;

    private DuplexPersistenceUnit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static EntityManagerFactory open(DataSource dataSource) {
        List<PersistenceProvider> providers = PersistenceProviderResolverHolder.getPersistenceProviderResolver()
                .getPersistenceProviders();
        if (providers.isEmpty()) {
            throw new PersistenceException("The server offers no Jakarta Persistence provider");
        }
        return providers.get(0).createContainerEntityManagerFactory(new DuplexPersistenceUnit(dataSource),
                java.util.Map.of());
    }

    @Override
    public String getPersistenceUnitName() {
        return "duplex";
    }

    @Override
    public String getPersistenceProviderClassName() {
        return null;
    }

    @Override
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
        return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return dataSource;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    /** The folder (or jar) the entity classes are in, as the provider expects a persistence.xml's root. */
    @Override
    public URL getPersistenceUnitRootUrl() {
        String classFile = DuplexPersistenceUnit.class.getName().replace('.', '/') + ".class";
        String url = getClassLoader().getResource(classFile).toString();
        try {
            return new URL(url.substring(0, url.length() - classFile.length()));
        } catch (java.net.MalformedURLException e) {
            throw new PersistenceException("No root for the persistence unit in " + url, e);
        }
    }

    @Override
    public List<String> getManagedClassNames() {
        return List.of("dev.duplex.conversation.ConversationEntity", "dev.duplex.conversation.MessageEntity",
                InstantColumn.class.getName(), "dev.duplex.account.UserEntity", "dev.duplex.account.ApiTokenEntity");
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.NONE;
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        Properties properties = new Properties();
        properties.setProperty("jakarta.persistence.schema-generation.database.action", "none");
        properties.setProperty("eclipselink.logging.level", "WARNING");
        properties.setProperty("eclipselink.weaving", "false");
        properties.setProperty("eclipselink.target-server", "None");
        return properties;
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.0";
    }

    @Override
    public ClassLoader getClassLoader() {
        return DuplexPersistenceUnit.class.getClassLoader();
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
        // no weaving: the entities have no lazy relations
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
        return getClassLoader();
    }
}
