"""Name and place lists for the demo district (invented people; example.* domains)."""

ENGLISH_FIRST_FEMALE = (
    "Emily", "Sarah", "Jessica", "Ashley", "Jennifer", "Amanda", "Megan", "Rachel", "Laura",
    "Nicole", "Heather", "Stephanie", "Elizabeth", "Lauren", "Katherine", "Anna", "Olivia",
    "Emma", "Grace", "Hannah", "Abigail", "Chloe", "Madison", "Zoe", "Claire", "Avery",
    "Mary-Kate", "Anne-Marie", "Renée", "Zoë", "Chloé", "Siobhan", "Aoife", "Dana",
)
ENGLISH_FIRST_MALE = (
    "Michael", "Christopher", "Matthew", "Joshua", "David", "James", "Daniel", "Robert",
    "John", "Joseph", "Andrew", "Ryan", "Brandon", "Jason", "Justin", "William", "Jonathan",
    "Benjamin", "Samuel", "Ethan", "Noah", "Liam", "Mason", "Logan", "Lucas", "Owen",
    "Jean-Paul", "Seán", "Zoltán", "Björn", "Dana", "Kevin", "Patrick", "Thomas",
)
SPANISH_FIRST_FEMALE = (
    "María", "Guadalupe", "Sofía", "Lucía", "Valentina", "Camila", "Ximena", "Isabel",
    "Ana", "Rocío", "Verónica", "Mónica", "Adriana", "Alejandra", "Beatriz", "Carmen",
    "Dolores", "Elena", "Fernanda", "Gabriela", "Inés", "Josefina", "Leticia", "Marisol",
    "Natalia", "Paola", "Raquel", "Yesenia", "María José", "Ana Lucía", "Itzel", "Noemí",
)
SPANISH_FIRST_MALE = (
    "José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Alejandro", "Francisco", "Jorge",
    "Ricardo", "Andrés", "Sebastián", "Mateo", "Santiago", "Diego", "Emilio", "Fernando",
    "Gerardo", "Héctor", "Iván", "Joaquín", "Julián", "Martín", "Nicolás", "Óscar", "Rubén",
    "Raúl", "Tomás", "Víctor", "Ángel", "José Luis", "Juan Pablo", "Efraín", "Germán",
)
ENGLISH_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
    "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips",
    "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook",
    "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell", "Kelly", "Howard",
    "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "Hughes",
    "Price", "Sanders", "Myers", "Long", "Ross", "Foster", "Powell", "Jenkins", "Perry",
    "Russell", "Sullivan", "Fisher", "Henderson", "Coleman", "Simmons", "Patterson", "Jordan",
    "Reynolds", "Hamilton", "Graham", "Kim", "Nguyen", "Patel", "Chen", "Kowalski", "Nowak",
    "O'Brien", "O'Connor", "O'Neill", "D'Angelo", "McDonald", "MacLeod", "Smith-Jones",
    "Baker-Hughes", "Van der Berg", "St. John", "Müller", "Schäfer", "Øberg", "Lefèvre",
)
SPANISH_LAST = (
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
    "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Morales", "Cruz",
    "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Ruiz", "Álvarez", "Mendoza", "Vásquez",
    "Castillo", "Jiménez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar", "Vargas",
    "Guzmán", "Muñoz", "Núñez", "Peña", "Ibáñez", "Castañeda", "Ordóñez", "Zúñiga", "Báez",
    "Salazar", "Delgado", "Contreras", "Estrada", "Figueroa", "Cervantes", "Espinoza",
    "Domínguez", "Vázquez", "Rosales", "Fuentes", "Cabrera", "Acosta", "Luna", "Navarro",
    "García-López", "Hernández-Ruiz", "De la Cruz", "Del Río", "Muñoz-Núñez", "Sáenz",
)
STREETS = (
    "Oak", "Maple", "Washington", "Lincoln", "Jefferson", "Cedar", "Elm", "Park", "Main",
    "River", "Prairie", "Ogden", "Chicago", "Jackson", "Highland", "Sunset", "Willow", "Hill",
    "Forest", "Meadow", "Mill", "Spring", "Church", "Lake", "Aurora", "Diehl", "Gartner",
)
STREET_KINDS = ("St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way")
CITIES = (("Riverbend", "60540"), ("Riverbend", "60563"), ("Fox Hollow", "60565"),
          ("Ashton Grove", "60564"), ("Millbrook", "60532"), ("Cedar Falls", "60555"))
AREA_CODES = ("630", "331", "708", "815", "773")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
ELEMENTARY_NAMES = (
    "Ellsworth", "Maplebrook", "Highlands", "Prairie Ridge", "Beebe", "Elmwood", "Mill Street",
    "Naper", "Scott", "Steeple Run", "Meadow Glens", "Ranch View", "Kingsley", "Cowlishaw",
)
MIDDLE_NAMES = ("Jefferson", "Kennedy", "Lincoln", "Madison", "Washington")
HIGH_NAMES = ("Riverbend Central", "Riverbend North", "Riverbend South")
